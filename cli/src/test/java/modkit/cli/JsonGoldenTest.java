package modkit.cli;

import modkit.command.Captured;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code --json} output, run through the launcher ({@link Modkit#run}) on a known setup and compared with a
 * hand-written file in src/test/resources/modkit/cli/golden (README.md there says where each value comes from:
 * kmod, GNU nm/readelf, the module sources, the kernel's rules). Both sides are read with Jackson, so an output that
 * is not valid JSON fails, and layout (indentation, one line or many) is free.
 *
 * <p>Placeholders in the golden files: {@code @NAME@} / {@code @NAME+0xN@} is the address of loaded module NAME (plus
 * N) and {@code @NAME.size@} its size, both read from {@code sim proc-modules}' text (m_show's format, which the qemu
 * tests show equal to the real kernel's); {@code @TESTDATA@}, {@code @BASE@}, {@code @FILE@}, {@code @OUT@},
 * {@code @IN_SIZE@}, {@code @OUT_SIZE@} are paths and file sizes of this run; {@code "@ANY_STRING@"} is any
 * non-empty string (modkit's own wording of a detail).
 */
class JsonGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TESTDATA = Path.of(System.getProperty("modkit.project", "..")).resolve("testdata")
            .toAbsolutePath().normalize();
    private static final Path OBJECTS = TESTDATA.resolve("objects/x86_64");

    @TempDir
    static Path tmp;
    static Path root;
    /** Module name to {address, size}, from /proc/modules' text. */
    static final Map<String, long[]> PROC = new HashMap<>();

    record Run(int exit, String out, String err) {}

    static Run modkit(String... args) {
        Captured c = Captured.of(StandardCharsets.UTF_8, false, () -> Modkit.run(args));
        return new Run(c.exit(), c.outText(StandardCharsets.UTF_8), c.errText(StandardCharsets.UTF_8));
    }

    static String ok(String... args) {
        Run r = modkit(args);
        assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    /** A simulated Debian 6.1 kernel with mk_exporter, mk_importer and mk_params loaded, in that order. */
    @BeforeAll
    static void boot() {
        root = tmp.resolve("state");
        ok("sim", "boot", "--root", root.toString());
        for (String m : List.of("mk_exporter", "mk_importer", "mk_params")) {
            ok("insmod", "--root", root.toString(), OBJECTS.resolve(m + ".ko").toString());
        }
        // "mk_exporter 16384 1 mk_importer, Live 0xffffffffc0201000 (OE)"
        for (String line : ok("sim", "proc-modules", "--root", root.toString()).lines().toList()) {
            String[] f = line.split(" ");
            PROC.put(f[0], new long[] {Long.parseUnsignedLong(f[5].substring(2), 16), Long.parseLong(f[1])});
        }
        assertEquals(3, PROC.size(), PROC.keySet().toString());
    }

    static JsonNode golden(String name, Map<String, String> vars) throws IOException {
        String text;
        try (InputStream in = JsonGoldenTest.class.getResourceAsStream("golden/" + name)) {
            assertNotNull(in, name);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("@([a-z_0-9]+)(\\.size|\\+0x[0-9a-f]+)?@").matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            long[] p = PROC.get(m.group(1));
            String v;
            if (p == null) {
                v = m.group(0);
            } else if (".size".equals(m.group(2))) {
                v = Long.toString(p[1]);
            } else {
                v = "0x" + Long.toHexString(p[0] + (m.group(2) == null ? 0 : Long.parseLong(m.group(2).substring(3), 16)));
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        text = b.toString();
        for (Map.Entry<String, String> e : vars.entrySet()) {
            text = text.replace("@" + e.getKey() + "@", e.getValue());
        }
        return JSON.readTree(text);
    }

    /** The output parsed (failing on invalid JSON) and compared with the golden file. */
    static void assertGolden(String name, Map<String, String> vars, String output) throws IOException {
        JsonNode expected = golden(name, vars);
        JsonNode actual = JSON.readTree(output);
        assertEquals(expected, wildcards(expected, actual), name + ":\n" + output);
    }

    /** {@code actual} with the values where {@code expected} says "@ANY_STRING@" replaced by that, if they are strings. */
    private static JsonNode wildcards(JsonNode expected, JsonNode actual) {
        JsonNode copy = actual.deepCopy();
        mark(expected, copy);
        return copy;
    }

    private static void mark(JsonNode e, JsonNode a) {
        if (e.isObject() && a.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = e.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode av = a.get(f.getKey());
                if (av == null) {
                    continue;
                }
                if ("@ANY_STRING@".equals(f.getValue().textValue()) && av.isTextual() && !av.asText().isEmpty()) {
                    ((ObjectNode) a).set(f.getKey(), TextNode.valueOf("@ANY_STRING@"));
                } else {
                    mark(f.getValue(), av);
                }
            }
        } else if (e.isArray() && a.isArray()) {
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                mark(e.get(i), ((ArrayNode) a).get(i));
            }
        }
    }

    @Test
    void lsmod() throws IOException {
        assertGolden("lsmod.json", Map.of(), ok("lsmod", "--json", "--root", root.toString()));
    }

    @Test
    void simProcModules() throws IOException {
        assertGolden("proc-modules.json", Map.of(), ok("sim", "proc-modules", "--json", "--root", root.toString()));
    }

    @Test
    void simTainted() throws IOException {
        assertGolden("tainted.json", Map.of(), ok("sim", "tainted", "--json", "--root", root.toString()));
    }

    /** The notifier log; each time must be an ISO-8601 instant, and is then left out of the comparison. */
    @Test
    void simEvents() throws IOException {
        JsonNode events = JSON.readTree(ok("sim", "events", "--json", "--root", root.toString()));
        for (JsonNode e : events) {
            Instant.parse(e.get("time").asText());
            ((ObjectNode) e).remove("time");
        }
        assertEquals(golden("events.json", Map.of()), events);
    }

    /** The values mk_params.c initialises, as the kernel's param_get_* print them. */
    @Test
    void params() throws IOException {
        assertGolden("params.json", Map.of(), ok("params", "--json", "--root", root.toString(), "mk_params"));
        assertGolden("params.json", Map.of(), ok("sim", "params", "--json", "--root", root.toString(), "mk-params"));
    }

    @Test
    void ksymsModulesOnly() throws IOException {
        assertGolden("ksyms-m.json", Map.of(), ok("ksyms", "-m", "--json", "--root", root.toString()));
    }

    /** Every ksyms entry is one object; the kernel's and the modules' exports all come out, and -a adds none here. */
    @Test
    void ksymsWhole() throws IOException {
        JsonNode all = JSON.readTree(ok("ksyms", "--json", "--root", root.toString()));
        JsonNode withA = JSON.readTree(ok("ksyms", "-a", "--json", "--root", root.toString()));
        assertEquals(all.size(), withA.size());
        JsonNode printk = null;
        for (JsonNode n : all) {
            if (n.get("name").asText().equals("_printk")) {
                printk = n;
            }
        }
        assertNotNull(printk);
        // kmod's modprobe --dump-modversions mk_importer.ko: 0x92997ed8 _printk
        assertEquals("0x92997ed8", printk.get("crc").asText());
        assertEquals("vmlinux", printk.get("owner").asText());
        assertTrue(all.size() > 10000, "the profile has 10503 exports: " + all.size());
    }

    /** relocs.o on the small test kernel: the placement worked out by hand from readelf and nm (README). */
    @Test
    void insmodMapJson() throws IOException {
        Path state = tmp.resolve("test-kernel");
        ok("sim", "boot", "--root", state.toString(), "--kernel", TESTDATA.resolve("profiles/x86_64-test.profile").toString());
        String file = OBJECTS.resolve("relocs.o").toString();
        assertGolden("map-relocs.json", Map.of("FILE", file), ok("insmod", "-n", "--root", state.toString(), "--map-json", "-", file));
        Path out = tmp.resolve("relocs.map.json");
        ok("insmod", "-n", "--root", state.toString(), "--map-json", out.toString(), file);
        assertGolden("map-relocs.json", Map.of("FILE", file), Files.readString(out));
    }

    /** modinfo -F-less output of kmod 30 (golden/kmod/modinfo-mk_exporter.txt), as JSON. */
    @Test
    void modinfo() throws IOException {
        assertGolden("modinfo-mk_exporter.json", Map.of("TESTDATA", TESTDATA.toString()),
                ok("modinfo", "--json", OBJECTS.resolve("mk_exporter.ko").toString()));
    }

    /** A tree of the three sample modules; kmod 30's depmod wrote golden/kmod/depmod.* for the same tree. */
    static Path tree(String name) throws IOException {
        Path base = tmp.resolve(name);
        Path extra = Files.createDirectories(base.resolve("lib/modules/6.1.0-56-amd64/extra"));
        for (String m : List.of("mk_exporter", "mk_importer", "mk_params")) {
            Files.copy(OBJECTS.resolve(m + ".ko"), extra.resolve(m + ".ko"));
        }
        return base;
    }

    @Test
    void depmod() throws IOException {
        Path base = tree("depmod-tree");
        Run r = modkit("depmod", "--json", "-b", base.toString(), "6.1.0-56-amd64");
        assertEquals(0, r.exit(), r.err());
        assertGolden("depmod.json", Map.of(), r.out());
    }

    /** kmod 30: modprobe -C golden/modprobe.d -d BASE -S 6.1.0-56-amd64 --show-depends mk_importer. */
    @Test
    void modprobeShowDepends() throws IOException {
        Path base = tree("modprobe-tree");
        assertEquals(0, modkit("depmod", "-b", base.toString(), "6.1.0-56-amd64").exit());
        Path conf = tmp.resolve("modprobe.d");
        Files.createDirectories(conf);
        try (InputStream in = JsonGoldenTest.class.getResourceAsStream("golden/modprobe.d/mk.conf")) {
            Files.write(conf.resolve("mk.conf"), in.readAllBytes());
        }
        String out = ok("modprobe", "--root", tmp.resolve("modprobe-state").toString(), "-C", conf.toString(), "-d", base.toString(),
                "-S", "6.1.0-56-amd64", "--show-depends", "--json", "mk_importer");
        assertGolden("modprobe-show-depends.json", Map.of("BASE", base.toString()), out);
    }

    static Path key(String name) throws IOException {
        Path p = tmp.resolve(name);
        if (!Files.exists(p)) {
            try (InputStream in = JsonGoldenTest.class.getResourceAsStream("golden/keys/" + name)) {
                Files.write(p, in.readAllBytes());
            }
        }
        return p;
    }

    static Path signed(String key) throws IOException {
        Path out = tmp.resolve(key + "-signed.ko");
        ok("sign", "--key", key(key + "-key.pem").toString(), "--cert", key(key + "-cert.pem").toString(), "-o", out.toString(),
                OBJECTS.resolve("mk_params.ko").toString());
        return out;
    }

    /** Signer, serial and hash as kmod's modinfo shows them for the signed file (golden/kmod/modinfo-signed-plain.txt). */
    @Test
    void sign() throws IOException {
        Path out = tmp.resolve("sign-json.ko");
        String json = ok("sign", "--json", "--key", key("plain-key.pem").toString(), "--cert", key("plain-cert.pem").toString(),
                "-o", out.toString(), OBJECTS.resolve("mk_params.ko").toString());
        assertGolden("sign.json", Map.of("OUT", out.toString(), "IN_SIZE", Long.toString(Files.size(OBJECTS.resolve("mk_params.ko"))),
                "OUT_SIZE", Long.toString(Files.size(out))), json);
    }

    /**
     * A module signed with our key (valid against a keyring holding its certificate), kmod's own signed test module
     * (signer and key as kmod's modinfo shows them, a key this keyring lacks: the kernel's ENOKEY), and an unsigned
     * one (ENODATA); the reasons are module_signing.c's words.
     */
    @Test
    void verify() throws IOException {
        Path out = signed("plain");
        Path keyring = Files.createDirectories(tmp.resolve("keyring-plain"));
        Files.copy(key("plain-cert.pem"), keyring.resolve("plain-cert.pem"));
        Run r = modkit("verify", "--json", "--keyring", keyring.toString(), out.toString(),
                TESTDATA.resolve("kmod-testsuite/modules/mod-simple-pkcs7.ko").toString(), OBJECTS.resolve("mk_params.ko").toString());
        assertEquals(1, r.exit(), "not every module verifies: " + r.err());
        assertGolden("verify.json", Map.of("OUT", out.toString(), "TESTDATA", TESTDATA.toString()), r.out());
    }
}
