package modkit.depmod;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes a module tree {@code BASE/lib/modules/VERSION} of generated modules: dependency chains through exported
 * symbols, aliases (with wildcards, brackets and dashes), softdeps, device names, weak and versioned imports,
 * unlisted modules (missing from modules.order) and some .ko.xz / .ko.zst files. Same seed, same tree.
 */
final class SyntheticTree {
    static final String VERSION = "6.1.0-syn";

    private SyntheticTree() {}

    static String name(int i) {
        return (i % 7 == 3 ? "syn-" : "syn_") + String.format("%05d", i);
    }

    static String export(int i, int j) {
        return String.format("syn%05d_fn%d", i, j);
    }

    private static long crc(int i, int j) {
        return (i * 2654435761L + j * 40503L) & 0xffffffffL;
    }

    /** Generates {@code count} modules; {@code compress} makes every 50th module .ko.xz and the next .ko.zst. */
    static Path write(Path base, int count, long seed, boolean compress) {
        Path dir = base.resolve("lib/modules/" + VERSION);
        Random rnd = new Random(seed);
        List<String> order = new ArrayList<>();
        String[] kernelSyms = {"printk", "kmalloc", "kfree", "__fentry__", "mutex_lock", "mutex_unlock"};
        for (int i = 0; i < count; i++) {
            SyntheticModule m = new SyntheticModule();
            String name = name(i);
            int nExports = 1 + rnd.nextInt(3);
            for (int j = 0; j < nExports; j++) {
                m.export(export(i, j), crc(i, j));
            }
            if (i == 1 || i == 2) {
                m.export("syn_shared", 0x5eedL); // the same symbol exported twice: the later module owns it
            }
            if (i == 20) {
                m.need("syn_shared", 0x5eedL);
            }
            m.need(kernelSyms[rnd.nextInt(kernelSyms.length)], 0x1000L + i);
            // Chains a few levels deep, as in a real tree: a module on level L needs modules of level L-1 nearby.
            // (kmod counts dependency paths, not modules, so a dense deep graph would take it forever.)
            int level = i % 6;
            if (level > 0 && i > 12 && rnd.nextInt(10) < 8) {
                int deps = 1 + rnd.nextInt(3);
                for (int d = 0; d < deps; d++) {
                    int j = i - 1 - 6 * rnd.nextInt(Math.min(i / 6, 8));
                    m.need(export(j, 0), crc(j, 0));
                }
            }
            if (level > 0 && i > 100 && rnd.nextInt(20) == 0) {
                m.need(export(i - 1 - 6 * rnd.nextInt(8), 1), null); // unversioned import (may be unknown)
            }
            if (level > 0 && i > 10 && i % 23 == 0) {
                m.weakNeed(export(i - 7, 0));
            }
            m.need("kfree", 0x77L);
            m.info("version", "1." + i).info("license", i % 9 == 0 ? "Dual BSD/GPL" : "GPL");
            m.info("description", "synthetic module " + i).info("author", "modkit test");
            if (i % 3 == 0) {
                m.info("alias", String.format("pci:v%08Xd*sv*sd*bc*sc*i*", 0x8086 + i));
            }
            if (i % 5 == 0) {
                m.info("alias", String.format("usb:v%04Xp*d*dc*dsc*dp*ic*isc*ip*in*", i & 0xffff));
            }
            if (i % 11 == 0) {
                m.info("alias", "of:N*T*Cvendor,syn-" + i);
            }
            if (i % 13 == 0) {
                m.info("alias", String.format("acpi*:SYN-%03d[0-9A-F]:*", i % 1000));
            }
            if (i % 97 == 0) {
                m.info("alias", "devname:syn/dev" + i).info("alias", "char-major-" + (200 + i % 50) + "-" + (i % 256));
            }
            if (i % 17 == 0 && i > 2) {
                m.info("softdep", "pre: " + name(i - 1) + " post: " + name(i - 2));
            }
            if (i % 61 == 0) {
                m.info("alias", "symbol:" + export(i, 0));
            }
            m.info("depends", "").info("retpoline", "Y").info("name", name.replace('-', '_'))
                    .info("vermagic", VERSION + " SMP preempt mod_unload modversions ");
            String ext = ".ko";
            byte[] bytes = m.bytes();
            if (compress && i % 50 == 1) {
                ext = ".ko.xz";
                bytes = xz(bytes);
            } else if (compress && i % 50 == 2) {
                ext = ".ko.zst";
                bytes = zstd(bytes);
            }
            String rel = "kernel/drivers/grp" + (i % 37) + "/" + name + ext;
            writeFile(dir.resolve(rel), bytes);
            if (i % 40 != 39) {
                order.add("kernel/drivers/grp" + (i % 37) + "/" + name + ".ko");
            }
        }
        Collections.shuffle(order, rnd);
        writeFile(dir.resolve("modules.order"), lines(order));
        writeFile(dir.resolve("modules.builtin"), lines(List.of("kernel/lib/syn_builtin_a.ko", "kernel/fs/syn-builtin-b.ko")));
        String modinfo = "syn_builtin_a.license=GPL\0syn_builtin_a.alias=fs-synfs\0syn_builtin_a.alias=char-major-99-*\0"
                + "syn_builtin_b.description=builtin b\0syn_builtin_b.alias=pci:v00001234d*sv*sd*bc*sc*i*\0";
        writeFile(dir.resolve("modules.builtin.modinfo"), modinfo.getBytes(StandardCharsets.ISO_8859_1));
        return dir;
    }

    /**
     * A small tree with two dependency cycles (a -> b -> c -> a and x <-> y), a module that needs the first cycle,
     * a module the first cycle needs (plain, needed by c) and one that needs plain only.
     */
    static Path writeCycles(Path base) {
        Path dir = base.resolve("lib/modules/" + VERSION);
        String[][] graph = {{"cyc_a", "cyc_b"}, {"cyc_b", "cyc_c"}, {"cyc_c", "cyc_a", "plain"}, {"cyc_user", "cyc_a"},
            {"cyc_x", "cyc_y"}, {"cyc_y", "cyc_x"}, {"plain"}, {"plain_user", "plain"}};
        List<String> order = new ArrayList<>();
        for (String[] node : graph) {
            SyntheticModule m = new SyntheticModule().export(node[0] + "_fn", 1).info("license", "GPL");
            for (int i = 1; i < node.length; i++) {
                m.need(node[i] + "_fn", 1L);
            }
            writeFile(dir.resolve("kernel/" + node[0] + ".ko"), m.bytes());
            order.add("kernel/" + node[0] + ".ko");
        }
        writeFile(dir.resolve("modules.order"), lines(order));
        return dir;
    }

    static byte[] lines(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static void writeFile(Path p, byte[] bytes) {
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] xz(byte[] in) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream o = new XZOutputStream(bo, new LZMA2Options(1))) {
            o.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static byte[] zstd(byte[] in) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream o = new ZstdOutputStream(bo)) {
            o.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    /** Command-line entry for the benchmark script: {@code SyntheticTree BASE COUNT|cycles [SEED]}. */
    public static void main(String[] args) {
        if (args[1].equals("cycles")) {
            writeCycles(Path.of(args[0]));
            return;
        }
        write(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 1, true);
    }
}
