package modkit.cli;

import static modkit.cli.JsonGoldenTest.modkit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names with characters JSON must escape, through every output that carries them. The kernel does not restrict a
 * module's name (struct module's name[56] and .modinfo's name= are copied as they are), so a module called
 * {@code mk"par\ms} loads; it is mk_params.ko with its two "mk_params\0" strings (.modinfo name= and
 * .gnu.linkonce.this_module's name) rewritten in the test. A signer's common name may hold quotes too.
 *
 * <p>{@link #lsmod} FAILS TODAY, on purpose: Lsmod.json writes names unescaped and the output does not parse; the fix
 * comes with the JSON writer unification on branch h-cmd. {@link #signerWithQuotes} shows a bug with no fix under way
 * (sign and verify print the signer as an RFC 4514 string, {@code modkit \"quoted\" signer}, where kmod's modinfo
 * shows the name itself), so it is disabled until it is fixed.
 */
class JsonEscapingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "mk\"par\\ms";

    @TempDir
    static Path tmp;
    static Path root;
    static Path weird;

    @BeforeAll
    static void load() throws IOException {
        byte[] ko = Files.readAllBytes(Path.of(System.getProperty("modkit.project", "..")).resolve("testdata/objects/x86_64/mk_params.ko"));
        byte[] from = "mk_params\0".getBytes(StandardCharsets.ISO_8859_1);
        byte[] to = (NAME + "\0").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(from.length, to.length);
        int n = 0;
        for (int i = 0; i + from.length <= ko.length; i++) {
            if (java.util.Arrays.equals(ko, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, ko, i, to.length);
                n++;
            }
        }
        assertEquals(2, n, "mk_params.ko names itself twice");
        weird = tmp.resolve("weird.ko");
        Files.write(weird, ko);
        root = tmp.resolve("state");
        JsonGoldenTest.Run r = modkit("sim", "boot", "--root", root.toString());
        assertEquals(0, r.exit(), r.err());
        r = modkit("insmod", "--root", root.toString(), weird.toString());
        assertEquals(0, r.exit(), r.err());
    }

    private static JsonNode json(String... args) throws IOException {
        JsonGoldenTest.Run r = modkit(args);
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    private static List<String> values(JsonNode n, String field) {
        List<String> out = new ArrayList<>();
        n.findValues(field).forEach(v -> out.add(v.asText()));
        return out;
    }

    /** FAILS TODAY: Lsmod.json does not escape the name (fixed on branch h-cmd). */
    @Test
    void lsmod() throws IOException {
        assertEquals(List.of(NAME), values(json("lsmod", "--json", "--root", root.toString()), "name"));
    }

    @Test
    void procModulesAndEvents() throws IOException {
        assertEquals(List.of(NAME), values(json("sim", "proc-modules", "--json", "--root", root.toString()), "name"));
        assertEquals(List.of(NAME, NAME), values(json("sim", "events", "--json", "--root", root.toString()), "module"));
        assertEquals("-42", json("params", "--json", "--root", root.toString(), NAME).get("p_int").asText());
    }

    @Test
    void ksymsInfo() throws IOException {
        assertEquals(List.of(NAME), values(json("ksyms", "--info", "-m", "--json", "--root", root.toString()), "module"));
    }

    @Test
    void mapAndModinfo() throws IOException {
        Path other = tmp.resolve("other");
        assertEquals(0, modkit("sim", "boot", "--root", other.toString()).exit());
        JsonNode map = json("insmod", "-n", "--root", other.toString(), "--map-json", "-", weird.toString());
        assertEquals(NAME, map.get("module").asText());
        assertEquals(weird.toString(), map.get("file").asText());
        JsonNode info = json("modinfo", "--json", weird.toString());
        // kmod names a module given by path after its file; the name= entry is the module's own
        assertEquals("weird", info.get(0).get("name").asText());
        assertTrue(values(info, "value").contains(NAME), info.toString());
    }

    /**
     * The certificate's CN is {@code modkit "quoted" signer} (openssl x509 -nameopt oneline,-esc_2253), and kmod's
     * modinfo of the signed file says signer {@code modkit "quoted" signer}, serial 56:78
     * (golden/kmod/modinfo-signed-quoted.txt): sign and verify must say the same, not RFC 4514's escaped form.
     */
    @Test
    void signerWithQuotes() throws IOException {
        Path key = copy("quoted-key.pem");
        Path cert = copy("quoted-cert.pem");
        Path out = tmp.resolve("quoted.ko");
        JsonNode signed = json("sign", "--json", "--key", key.toString(), "--cert", cert.toString(), "-o", out.toString(), weird.toString());
        assertEquals("56:78", signed.get("key_id").asText());
        Path keyring = Files.createDirectories(tmp.resolve("keyring"));
        Files.copy(cert, keyring.resolve("quoted-cert.pem"));
        JsonNode verified = json("verify", "--json", "--keyring", keyring.toString(), out.toString());
        assertEquals(true, verified.get(0).get("valid").asBoolean());
        assertEquals("modkit \"quoted\" signer", signed.get("signer").asText());
        assertEquals("modkit \"quoted\" signer", verified.get(0).get("signer").asText());
    }

    private static Path copy(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (InputStream in = JsonEscapingTest.class.getResourceAsStream("golden/keys/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }
}
