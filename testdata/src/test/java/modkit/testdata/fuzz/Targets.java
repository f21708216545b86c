package modkit.testdata.fuzz;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import modkit.moddir.DepmodConfig;
import modkit.moddir.IndexFile;
import modkit.elf.Compression;
import modkit.elf.ModInfo;
import modkit.elf.ModuleExport;
import modkit.elf.ModuleSummary;
import modkit.elf.ObjectFile;
import modkit.elf.RelocTable;
import modkit.elf.Section;
import modkit.elf.SymbolTable;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.insmod.params.ParamArgs;
import modkit.kernel.ImageMemory;
import modkit.kernel.KernelProfile;
import modkit.kernel.KernelSymbol;
import modkit.kernel.MemoryKernel;
import modkit.kernel.ModuleParam;
import modkit.kernel.ParamTypes;
import modkit.kernel.ProfileFile;
import modkit.kernel.ProfileImport;
import modkit.kernel.SymbolMap;
import modkit.modinfo.ModinfoFormat;
import modkit.modinfo.ModuleInfo;
import modkit.modinfo.SignatureInfo;
import modkit.moddir.ConfigParser;
import modkit.testdata.TestPaths;

/** The fuzz targets: each calls a library entry point the way a command does, with one hostile input. */
public final class Targets {
    private Targets() {}

    /** Every target, in the order the runs report them. */
    public static List<FuzzTarget> all() {
        return List.of(elf(), compressed(), modinfo(), link(), paramViews(), paramShow(), kmodIndex(), modprobeConf(),
                depmodConf(), cmdline());
    }

    public static FuzzTarget byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fuzz target " + name));
    }

    static FuzzTarget target(String name, java.util.function.Supplier<List<byte[]>> seeds, List<String> tokens, Body body) {
        return new FuzzTarget() {
            private List<byte[]> cached;

            @Override
            public String name() {
                return name;
            }

            @Override
            public synchronized List<byte[]> seeds() {
                if (cached == null) {
                    cached = List.copyOf(seeds.get());
                }
                return cached;
            }

            @Override
            public List<String> tokens() {
                return tokens;
            }

            @Override
            public void run(byte[] input) throws Exception {
                body.run(input);
            }
        };
    }

    interface Body {
        void run(byte[] input) throws Exception;
    }

    static List<byte[]> moduleSeeds() {
        return Seeds.read(Seeds.modules(8, 200_000));
    }

    /** The ELF layer: everything insmod, modinfo and depmod read from an object, walked end to end. */
    static FuzzTarget elf() {
        return target("elf", Targets::moduleSeeds, List.of(), in -> {
            ObjectFile o = ObjectFile.parse("fuzz.ko", in);
            walk(o);
            ModuleSummary s = ModuleSummary.parse("fuzz.ko", in);
            s.modinfo();
            s.exports();
            s.needs();
        });
    }

    static void walk(ObjectFile o) {
        for (Section s : o.sections()) {
            s.isAlloc();
        }
        o.signature();
        SymbolTable st = o.symbols();
        if (st != null) {
            for (int i = 0; i < st.count(); i++) {
                st.name(i);
                st.value(i);
                st.size(i);
                st.shndx(i);
            }
        }
        for (Section r : o.relocationSections()) {
            RelocTable t = o.relocations(r);
            t.target();
            for (int i = 0; i < t.count(); i++) {
                t.offset(i);
                t.symbol(i);
                t.type(i);
                t.addend(i);
            }
        }
        o.modinfo().entries();
        o.moduleName();
        o.versions();
        o.exports();
    }

    /**
     * Compressed modules: gzip, xz and zstd files of small modules, damaged; and damaged modules compressed whole
     * (an input that is no compressed file is compressed by one of the three, so that the ELF inside is the damage).
     */
    static FuzzTarget compressed() {
        return target("compressed", () -> {
            List<byte[]> out = new ArrayList<>();
            for (byte[] m : Seeds.read(Seeds.modules(2, 40_000))) {
                out.add(Seeds.gzip(m));
                out.add(Seeds.xz(m));
                out.add(Seeds.zstd(m));
                out.add(m);
            }
            for (String f : List.of("mk_params.ko.gz", "mk_params.ko.xz")) {
                Path p = TestPaths.testdata().resolve("objects/x86_64").resolve(f);
                if (Files.exists(p)) {
                    out.add(Seeds.read(p));
                }
            }
            return out;
        }, List.of(), in -> {
            byte[] file = in;
            if (Compression.detect(in) == Compression.NONE) {
                file = switch (in.length % 3) {
                    case 0 -> Seeds.gzip(in);
                    case 1 -> Seeds.xz(in);
                    default -> Seeds.zstd(in);
                };
            }
            walk(ObjectFile.parse("fuzz.ko.xz", file));
        });
    }

    /** modinfo: .modinfo fields, the signature's, and the formatting of each field. */
    static FuzzTarget modinfo() {
        return target("modinfo", Targets::moduleSeeds, List.of(), in -> {
            byte[] image = Compression.detect(in).decompress("fuzz.ko", in);
            ModuleSummary s = ModuleSummary.ofElf("fuzz.ko", image);
            List<ModInfo.Entry> entries = new ArrayList<>(s.modinfo());
            entries.addAll(SignatureInfo.entries("fuzz.ko", image));
            ModuleInfo m = new ModuleInfo("fuzz", "/fuzz.ko", entries);
            ModinfoFormat.params(entries);
            for (String field : List.of("", "parm", "depends", "alias", "signer", "sig_key", "signature", "filename", "name")) {
                ModinfoFormat.render(m, field, '\n');
            }
        });
    }

    /** The kernels to link into, by ELF machine: each corpus kernel with its modules' exports added. */
    private static final Map<Integer, KernelProfile> KERNELS = new ConcurrentHashMap<>();

    static KernelProfile kernelFor(byte[] in) {
        int machine = in.length < 20 ? 62 : in[5] == 2 ? (in[18] & 0xff) << 8 | (in[19] & 0xff) : (in[19] & 0xff) << 8 | (in[18] & 0xff);
        int key = switch (machine) {
            case 3, 6 -> 3;
            case 4 -> 4;
            case 50 -> 50;
            default -> 62;
        };
        return KERNELS.computeIfAbsent(key, Targets::kernel);
    }

    private static KernelProfile kernel(int machine) {
        Path c = Seeds.corpus();
        if (machine != 62 && !Files.isDirectory(c.resolve("i386-6.1"))) {
            machine = 62; // no corpus: every input goes to the default kernel, which refuses other arches cleanly
        }
        KernelProfile base = switch (machine) {
            case 3 -> ProfileImport.run(new ProfileImport.Request(c.resolve("i386-6.1/System.map.gz"),
                    c.resolve("i386-6.1/Module.symvers.gz"), c.resolve("i386-6.1/config"), "6.1.0-50-686", null, null));
            case 4 -> ProfileImport.run(new ProfileImport.Request(c.resolve("m68k-6.1/System.map.gz"),
                    c.resolve("m68k-6.1/Module.symvers.gz"), c.resolve("m68k-6.1/config"), "6.1.192-virt", null, null));
            case 50 -> ProfileImport.run(new ProfileImport.Request(c.resolve("ia64-6.1/System.map.gz"),
                    c.resolve("ia64-6.1/Module.symvers.gz"), c.resolve("ia64-6.1/config"), "6.1.192", null, null));
            default -> ProfileFile.embeddedDefault();
        };
        String arch = switch (machine) {
            case 3 -> "i386-6.1";
            case 4 -> "m68k-6.1";
            case 50 -> "ia64-6.1";
            default -> "amd64-6.1";
        };
        // The corpus modules' own exports, so that a module needing another links as far as it would after it.
        List<KernelSymbol> symbols = new ArrayList<>(base.symbols().all());
        long at = base.moduleAreaFirst();
        for (Path p : Seeds.files(c.resolve(arch).resolve("kernel"), ".ko", Long.MAX_VALUE)) {
            try {
                ObjectFile o = ObjectFile.read(p);
                for (ModuleExport e : o.exports()) {
                    symbols.add(new KernelSymbol(e.name(), at += 16, e.crc(), e.gpl(), e.namespace(), o.moduleName()));
                }
            } catch (RuntimeException e) {
                // a module modkit cannot read adds nothing
            }
        }
        KernelProfile k = base.withSymbols(new SymbolMap(symbols, base.symbols().descriptors()));
        // 64 MiB of module space (more than any corpus module needs): a damaged module asking for a 512 MiB .bss
        // gets the kernel's ENOMEM at once instead of half a gigabyte zeroed per input, which under a loaded
        // machine took longer than the hang limit.
        long end = Math.min(k.moduleAreaEnd(), k.moduleAreaFirst() + (64L << 20));
        return new KernelProfile(k.arch(), k.release(), k.vermagic(), k.pageSize(), k.moduleAreaStart(), end, k.config(),
                k.symbols());
    }

    /** The linker: a damaged module loaded into an in-memory kernel of its arch (nothing is kept). */
    static FuzzTarget link() {
        return target("link", Targets::moduleSeeds, List.of(), in -> {
            try (MemoryKernel k = new MemoryKernel(kernelFor(in))) {
                Insmod.run(ObjectFile.parse("fuzz.ko", in), k, LinkOptions.DEFAULT, true, w -> { });
            }
        });
    }

    /** Modules with parameters (the corpus' and testdata's), the first seeds of the parameter targets. */
    static List<byte[]> paramSeeds() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] m : Seeds.read(Seeds.modules(60, 400_000))) {
            try {
                if (ObjectFile.parse("seed", m).allocSection("__param") != null) {
                    out.add(m);
                }
            } catch (RuntimeException e) {
                // not a module
            }
        }
        return out;
    }

    private static final List<String> VALUES = List.of("0", "1", "-1", "y", "n", "0x7fffffff", "18446744073709551615",
        "1,2,3", "a,b", "", "\"quoted value\"", "9999999999999999999999", "abc", "1,,2");

    /**
     * {@code sim params}: a damaged module with parameters is linked (its parameters set from a command line made
     * of its parmtype names) and every parameter is shown as /sys/module/M/parameters shows it.
     */
    static FuzzTarget paramViews() {
        return target("param-views", Targets::paramSeeds, List.of(), in -> {
            KernelProfile profile = kernelFor(in);
            ObjectFile obj = ObjectFile.parse("fuzz.ko", in);
            Random r = new Random(java.util.Arrays.hashCode(in));
            StringBuilder args = new StringBuilder();
            for (String t : obj.modinfo().all("parmtype")) {
                int colon = t.indexOf(':');
                if (colon > 0 && r.nextBoolean()) {
                    args.append(t, 0, colon).append('=').append(VALUES.get(r.nextInt(VALUES.size()))).append(' ');
                }
            }
            LinkResult lr;
            try (MemoryKernel k = new MemoryKernel(profile)) {
                lr = Insmod.run(obj, k, new LinkOptions(false, false, args.toString().strip()), true, w -> { }).link();
            }
            ImageMemory mem = ImageMemory.of(lr.image().regions(), profile);
            for (ModuleParam p : lr.image().parameters()) {
                ParamTypes.show(mem, p);
            }
        });
    }

    private static final List<String> KINDS = List.of("byte", "short", "ushort", "int", "uint", "long", "ulong", "ullong",
        "hexint", "charp", "bool", "invbool", "bint", "string", "custom", "bool_enable_only", "array of int",
        "array of charp", "array of bool", "array of byte", "array of ullong", "array of string", "array of custom", "xyz");

    /**
     * The parameter views over arbitrary module memory: a region of the input's bytes, read as each parameter
     * kind at an address taken from the input (pointers inside lead on to arrays, strings and charp values).
     */
    static FuzzTarget paramShow() {
        return target("param-show", () -> {
            List<byte[]> out = new ArrayList<>();
            Random r = new Random(1);
            for (int i = 0; i < 32; i++) {
                byte[] b = new byte[64 + r.nextInt(192)];
                r.nextBytes(b);
                out.add(b);
            }
            return out;
        }, List.of(), in -> {
            if (in.length < 4) {
                return;
            }
            int kind = (in[0] & 0xff) % KINDS.size();
            boolean wide = (in[1] & 1) == 0;
            java.nio.ByteOrder order = (in[1] & 2) == 0 ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
            long base = wide ? 0xffffffffc0000000L : 0xc8000000L;
            ImageMemory mem = new ImageMemory(List.of(new modkit.kernel.ModuleImage.Region(".data", base, in.length, in)),
                    order, wide ? 8 : 4);
            long at = base + (in[2] & 0xff) % in.length;
            int size = (in[3] & 0xff) % 10;
            ParamTypes.show(mem, new ModuleParam("p", KINDS.get(kind), at, size, 0444));
        });
    }

    /** kmod's binary indexes (modules.*.bin): every entry listed, some keys looked up. */
    static FuzzTarget kmodIndex() {
        return target("kmod-index", () -> {
            List<Path> files = new ArrayList<>(Seeds.files(Seeds.corpus().resolve("amd64-6.1/expected-kmod"), ".bin", 2_000_000));
            files.addAll(Seeds.files(TestPaths.testdata().resolve("samples"), ".bin", 2_000_000));
            return Seeds.read(files);
        }, List.of(), in -> {
            IndexFile f = IndexFile.of("modules.alias.bin", in);
            f.entries();
            for (String key : List.of("loop", "pci:v00008086d00001234sv*", "symbol:printk", "usb:v1D6Bp0002d0601dc09dsc00dp03ic09isc00ip00in00", "")) {
                f.lookup(key);
                f.search(key);
                f.searchWild(key);
            }
        });
    }

    static List<byte[]> textSeeds(String... suffixes) {
        List<Path> files = new ArrayList<>();
        for (String s : suffixes) {
            files.addAll(Seeds.files(TestPaths.testdata().resolve("modprobe"), s, 100_000));
        }
        return Seeds.read(files);
    }

    /** modprobe.d: one configuration file, parsed as modprobe reads it. */
    static FuzzTarget modprobeConf() {
        return target("modprobe.d", () -> {
            List<byte[]> s = new ArrayList<>(textSeeds(".conf"));
            s.add("options loop max_loop=8\nalias foo* bar\ninstall a /bin/true\nsoftdep x pre: y post: z\nblacklist q\nremove r /bin/false\n"
                    .getBytes(StandardCharsets.UTF_8));
            return s;
        }, List.of("options ", "alias ", "install ", "remove ", "softdep ", "blacklist ", "pre: ", "post: ", "=", "\"", "\\\n",
                "#", "*", "[", "]", "-", "_", " ", "\t", "\n", "\0"), in ->
                ConfigParser.parse("fuzz.conf", new String(in, StandardCharsets.ISO_8859_1)));
    }

    /** depmod.d: one configuration file, read from disk as depmod reads it. */
    static FuzzTarget depmodConf() {
        Path dir;
        try {
            Path shm = Path.of("/dev/shm"); // memory, where one is: a file is written per input
            dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "modkit-fuzz-depmod")
                    : Files.createTempDirectory("modkit-fuzz-depmod");
            dir.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Path file = dir.resolve("fuzz.conf");
        file.toFile().deleteOnExit();
        return target("depmod.d", () -> List.of(
                "search updates extra built-in\noverride loop * extra\nexternal 6.1.0 /opt/mods\nexclude .git\n".getBytes(StandardCharsets.UTF_8),
                "# comment\nsearch external built-in\noverride * 6.1.0-56-amd64 updates/dkms\n".getBytes(StandardCharsets.UTF_8)),
                List.of("search ", "override ", "external ", "exclude ", "built-in", "external", "*", " ", "\n", "#", "/", ".."),
                in -> {
                    Files.write(file, in);
                    DepmodConfig c = DepmodConfig.load(List.of(file), modkit.moddir.RootPrefix.of("/nonexistent-root"), "6.1.0-56-amd64", w -> { });
                    c.searches();
                    c.overrides();
                    c.externals();
                    c.excludes();
                });
    }

    /** The kernel command line: modprobe's modname.param=value and module_blacklist=, and insmod's parse_args. */
    static FuzzTarget cmdline() {
        return target("cmdline", () -> List.of(
                "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet loop.max_loop=8 snd-hda-intel.model=\"a b\" modprobe.blacklist=pcspkr,floppy module_blacklist=x -- init=/bin/sh"
                        .getBytes(StandardCharsets.UTF_8),
                "p_int=-7 p_charp=\"hello world\" p_array=1,2 p_bool -- rest".getBytes(StandardCharsets.UTF_8)),
                List.of(" ", "=", "\"", ".", "-", "_", "--", "modprobe.blacklist=", "module_blacklist=", ",", "\t", "\n"),
                in -> {
                    String s = new String(in, StandardCharsets.ISO_8859_1);
                    ConfigParser.parseCmdline(s);
                    ParamArgs.parse(s);
                });
    }
}
