package modkit.kernel;

import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import modkit.arch.Arch;
import modkit.arch.ArchTraits;
import modkit.arch.Arches;
import modkit.kernel.signature.Keyring;

/**
 * What modkit knows of a target kernel: enough to check and link a module as that kernel would. Built from a
 * real kernel's System.map, Module.symvers and config ({@link ProfileImport}), stored as text ({@link ProfileFile}).
 *
 * @param arch the {@code Arch} name ("x86_64", "i386", ...)
 * @param release {@code uname -r}
 * @param vermagic the kernel's {@code VERMAGIC_STRING}, trailing space included
 * @param pageSize bytes per page; layout pads regions to it
 * @param moduleAreaStart first address {@code module_alloc} may hand out
 * @param moduleAreaEnd end (exclusive) of the module area
 * @param config the {@code CONFIG_*} options that change layout and checks, with their values
 * @param symbols the kernel image's exported symbols
 * @param certificates the X.509 certificates built into the kernel (its {@code .builtin_trusted_keys}), DER in
 *     base64; null where they are not known (a profile made without them: only the kernel can check a signature's key)
 */
public record KernelProfile(
        String arch,
        String release,
        String vermagic,
        int pageSize,
        long moduleAreaStart,
        long moduleAreaEnd,
        Map<String, String> config,
        SymbolMap symbols,
        List<String> certificates) {

    public KernelProfile {
        // Sorted, so a written profile is stable; hashed, because the linker asks for options per section.
        config = Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(config)));
        certificates = certificates == null ? null : List.copyOf(certificates);
    }

    /** A profile whose built-in certificates are not known. */
    public KernelProfile(String arch, String release, String vermagic, int pageSize, long moduleAreaStart,
            long moduleAreaEnd, Map<String, String> config, SymbolMap symbols) {
        this(arch, release, vermagic, pageSize, moduleAreaStart, moduleAreaEnd, config, symbols, null);
    }

    /** The kernel's built-in trusted keys, or null where the profile does not know them. */
    public Keyring keyring() {
        if (certificates == null) {
            return null;
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return Keyring.fromDer("kernel profile " + release, certificates.stream().map(b64::decode).toList());
    }

    /** The same kernel trusting the keys of {@code extra} too (after its own, if it knows them). */
    public KernelProfile withTrustedKeys(Keyring extra) {
        List<byte[]> ders = new java.util.ArrayList<>();
        if (certificates != null) {
            certificates.forEach(c -> ders.add(Base64.getDecoder().decode(c)));
        }
        for (var c : extra.certificates()) {
            try {
                ders.add(c.getEncoded());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return withCertificates(ders);
    }

    /** The same kernel with these built-in certificates (DER). */
    public KernelProfile withCertificates(List<byte[]> ders) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new KernelProfile(arch, release, vermagic, pageSize, moduleAreaStart, moduleAreaEnd, config, symbols,
                ders.stream().map(b64::encodeToString).toList());
    }

    public boolean enabled(String option) {
        String v = config.get(option);
        return "y".equals(v);
    }

    /** Pads between text, rodata, ro_after_init and data ({@code CONFIG_STRICT_MODULE_RWX}). */
    public boolean strictModuleRwx() {
        return enabled("CONFIG_STRICT_MODULE_RWX");
    }

    /** Without it {@code .exit*} sections are init sections and modules cannot be removed. */
    public boolean moduleUnload() {
        return enabled("CONFIG_MODULE_UNLOAD");
    }

    public boolean modversions() {
        return enabled("CONFIG_MODVERSIONS");
    }

    public boolean forceLoadAllowed() {
        return enabled("CONFIG_MODULE_FORCE_LOAD");
    }

    public boolean forceUnloadAllowed() {
        return enabled("CONFIG_MODULE_FORCE_UNLOAD");
    }

    public boolean signatureEnforced() {
        return enabled("CONFIG_MODULE_SIG_FORCE");
    }

    public boolean kallsymsAll() {
        return enabled("CONFIG_KALLSYMS_ALL");
    }

    /**
     * Debian's kernels carry the patch "module: Disable matching missing version CRC": a module that uses a
     * versioned symbol without a {@code __versions} entry for it is rejected instead of warned about.
     */
    public boolean rejectsMissingCrc() {
        return !"n".equals(config.get("MODKIT_REJECT_MISSING_CRC"));
    }

    /** {@code major * 100 + minor} of the release, e.g. 601 for 6.1.x; 0 if the release does not parse. */
    public int version() {
        int major = 0;
        int i = 0;
        for (; i < release.length() && Character.isDigit(release.charAt(i)); i++) {
            major = major * 10 + release.charAt(i) - '0';
        }
        if (i == 0 || i == release.length() || release.charAt(i) != '.') {
            return 0;
        }
        int minor = 0;
        int start = ++i;
        for (; i < release.length() && Character.isDigit(release.charAt(i)); i++) {
            minor = minor * 10 + release.charAt(i) - '0';
        }
        return i == start ? 0 : major * 100 + minor;
    }

    /**
     * Where the kernel's per-cpu allocator places module per-cpu data, [start, end): the reserved chunk right
     * after the kernel's static per-cpu data (PERCPU_MODULE_RESERVE). Null where modkit does not model the per-cpu
     * area (the per-cpu copy then takes module-area pages).
     */
    public long[] percpuModuleArea() {
        String v = config.get("MODKIT_PERCPU_MODULE_AREA");
        if (v == null) {
            return null;
        }
        String[] p = v.split("-");
        return new long[] {ProfileFile.parseHex("MODKIT_PERCPU_MODULE_AREA", p[0]), ProfileFile.parseHex("MODKIT_PERCPU_MODULE_AREA", p[1])};
    }

    /**
     * The first address {@code module_alloc} hands out: the module area's start, past what the kernel itself takes
     * from it at boot ({@code MODKIT_MODULE_AREA_RESERVED} bytes; on Debian's 6.1.0-56-amd64, booted nokaslr, the
     * first module lands at 0xffffffffc0201000: 2 MiB and a guard page are in use before any module loads).
     */
    public long moduleAreaFirst() {
        String v = config.get("MODKIT_MODULE_AREA_RESERVED");
        return v == null ? moduleAreaStart : moduleAreaStart + ProfileFile.parseHex("MODKIT_MODULE_AREA_RESERVED", v);
    }

    /** The target architecture; an error naming the ones modkit links if the profile's arch is not one. */
    public Arch target() {
        return Arches.require(arch);
    }

    /**
     * The unmapped page {@code vmalloc} leaves after each area it hands out, module memory included (no
     * {@code VM_NO_GUARD}), where modkit models the kernel's addresses ({@link ArchTraits#vmallocGuard}); 0
     * elsewhere.
     */
    public long moduleGuard() {
        return target().traits().vmallocGuard() ? pageSize : 0;
    }

    /**
     * Where {@code kmalloc} memory lives (the loader's copies of charp parameters), [start, end); null where modkit
     * does not model it (such memory then comes from the module area).
     */
    public long[] heapArea() {
        return target().traits().kmallocArea().map(a -> new long[] {a.start(), a.end()}).orElse(null);
    }

    /** 6.4 replaced the core/init layouts by seven separately allocated regions (module_memory). */
    public boolean usesModuleMemory() {
        return version() >= 604;
    }

    /** The target's byte order. */
    public java.nio.ByteOrder byteOrder() {
        return target().traits().order();
    }

    /** Bytes in a pointer (and a C long) on the target. */
    public int pointerSize() {
        return target().traits().pointerSize();
    }

    /** The same kernel with other exported symbols. */
    public KernelProfile withSymbols(SymbolMap other) {
        return new KernelProfile(arch, release, vermagic, pageSize, moduleAreaStart, moduleAreaEnd, config, other, certificates);
    }

    /** The same kernel with some config options changed ({@code sim boot --set CONFIG_X=y}); "n" removes one. */
    public KernelProfile withConfig(Map<String, String> changes) {
        Map<String, String> c = new TreeMap<>(config);
        changes.forEach((k, v) -> {
            if (v.equals("n")) {
                c.remove(k);
            } else {
                c.put(k, v);
            }
        });
        return new KernelProfile(arch, release, vermagic, pageSize, moduleAreaStart, moduleAreaEnd, c, symbols, certificates);
    }
}
