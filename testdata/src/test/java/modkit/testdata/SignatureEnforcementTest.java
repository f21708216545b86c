package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import modkit.elf.ObjectFile;
import modkit.insmod.LinkOptions;
import modkit.insmod.Linker;
import modkit.kernel.KernelException;
import modkit.kernel.KernelProfile;
import modkit.kernel.ProfileFile;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: Debian-signed modules, changed, forged, re-signed and stripped, through the real commands, against
 * the simulated kernel with and without CONFIG_MODULE_SIG_FORCE, and the Linux backend's check before it asks
 * the kernel. Expected verdicts are those of Linux 6.1's module_sig_check (kernel/module/signing.c): unsigned,
 * unknown-key and unsupported modules load tainting E unless enforcing (then EKEYREJECTED); a signature that does
 * not verify (EKEYREJECTED) or parse (EBADMSG) is refused either way.
 */
class SignatureEnforcementTest {
    @TempDir
    static Path tmp;

    static Path dummy;
    static Path tampered;
    static Path junk;
    static Path stripped;
    static Path resigned;
    static Path key;
    static Path cert;

    @BeforeAll
    static void modules() throws Exception {
        dummy = TestPaths.corpus("amd64-6.1").resolve("kernel/drivers/net/dummy.ko");
        byte[] signed = Files.readAllBytes(dummy);
        int elf = elfLength(signed);
        byte[] t = signed.clone();
        t[elf / 2] ^= 0x01; // one byte of the signed ELF image
        tampered = write("tampered/dummy.ko", t);
        byte[] j = Arrays.copyOf(signed, elf);
        byte[] noise = new byte[400];
        Arrays.fill(noise, (byte) 0xa5);
        junk = write("junk/dummy.ko", appendSignature(j, noise));
        stripped = write("stripped/dummy.ko", Arrays.copyOf(signed, elf));
        writeTestKey();
        resigned = tmp.resolve("resigned/dummy.ko");
        Files.createDirectories(resigned.getParent());
        assertEquals(0, exit("sign", "--key", key.toString(), "--cert", cert.toString(), dummy.toString(), "-o", resigned.toString()));
    }

    /** Where the signed ELF image ends: sig_len (big-endian) sits 4 bytes before the 28-byte marker. */
    static int elfLength(byte[] signed) {
        int info = signed.length - 28 - 12;
        return info - ByteBuffer.wrap(signed, info + 8, 4).getInt();
    }

    /** scripts/sign-file's layout, by hand: blob, struct module_signature (id_type 2, sig_len BE), marker. */
    static byte[] appendSignature(byte[] elf, byte[] blob) {
        byte[] info = new byte[12];
        info[2] = 2;
        ByteBuffer.wrap(info, 8, 4).putInt(blob.length);
        byte[] marker = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(elf, elf.length + blob.length + 12 + marker.length);
        System.arraycopy(blob, 0, out, elf.length, blob.length);
        System.arraycopy(info, 0, out, elf.length + blob.length, 12);
        System.arraycopy(marker, 0, out, elf.length + blob.length + 12, marker.length);
        return out;
    }

    static Path write(String name, byte[] data) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return p;
    }

    /** A throwaway RSA key and self-signed certificate, as PEM files for modkit sign. */
    static void writeTestKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=modkit test signing key");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(0x5157), new Date(0),
                new Date(System.currentTimeMillis() + 86_400_000L * 365), name, kp.getPublic());
        b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(kp.getPublic()));
        key = tmp.resolve("keys/signing_key.pem");
        cert = tmp.resolve("keys/signing_key.x509.pem");
        Files.createDirectories(key.getParent());
        Files.writeString(key, pem(kp.getPrivate()));
        Files.writeString(cert, pem(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()))));
    }

    static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    static int exit(String... args) {
        return modkit.cli.Modkit.run(args);
    }

    record Run(int exit, String output) {
        String firstLine() {
            return output.lines().findFirst().orElse("");
        }
    }

    static Run run(String... args) {
        String out = InProcess.run(List.of(args));
        int exit = 0;
        int at = out.lastIndexOf("[exit ");
        if (at >= 0 && out.endsWith("]\n")) {
            exit = Integer.parseInt(out.substring(at + 6, out.length() - 2));
            out = out.substring(0, at);
        }
        return new Run(exit, out);
    }

    static Path boot(String name, String... extra) {
        Path root = tmp.resolve("state-" + name);
        List<String> args = new ArrayList<>(List.of("sim", "boot", "--root", root.toString()));
        args.addAll(List.of(extra));
        assertEquals(0, exit(args.toArray(String[]::new)));
        return root;
    }

    static Run insmod(Path root, Path module) {
        return run("insmod", "--root", root.toString(), module.toString());
    }

    @Test
    void underEnforcementOnlyTheDebianSignedModuleLoads() throws Exception {
        Path root = boot("enforced", "--set", "CONFIG_MODULE_SIG_FORCE=y");
        String before = KernelState.withoutTaint(root);
        Run r = insmod(root, tampered);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.firstLine().startsWith("insmod: error: " + tampered + ": module signature does not verify (EKEYREJECTED): "), r.output());
        r = insmod(root, junk);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.firstLine().startsWith("insmod: error: " + junk + ": module signature cannot be parsed (EBADMSG): "), r.output());
        r = insmod(root, resigned);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.firstLine().startsWith("insmod: error: " + resigned
                + ": Loading of module with unavailable key is rejected (EKEYREJECTED): no key in the keyring matches serial 51:57"), r.output());
        r = insmod(root, stripped);
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.firstLine().startsWith("insmod: error: " + stripped + ": Loading of unsigned module is rejected (EKEYREJECTED)"), r.output());
        assertEquals(before, KernelState.withoutTaint(root), "no refused module changed the kernel");
        assertEquals("", KernelState.taints(root), "refused at module_sig_check, before any taint");
        assertEquals(0, insmod(root, dummy).exit());
        assertEquals("", KernelState.taints(root), "a valid Debian signature: no E");
    }

    @Test
    void withoutEnforcementUnsignedAndUnknownKeyTaintEAndBadSignaturesAreStillRefused() throws Exception {
        Path root = boot("lax");
        assertEquals(1, insmod(root, tampered).exit(), "EKEYREJECTED is fatal even when signatures are not required");
        assertEquals(1, insmod(root, junk).exit(), "EBADMSG likewise");
        assertEquals("", KernelState.taints(root));
        Run r = insmod(root, stripped);
        assertEquals(0, r.exit(), r.output());
        assertEquals("E", KernelState.taints(root));
        assertEquals(0, exit("rmmod", "--root", root.toString(), "dummy"));
        assertEquals(0, insmod(root, resigned).exit());
        assertEquals("E", KernelState.taints(root));
    }

    @Test
    void aProfileWithTheTestCertificateTrustsTheResignedModule() throws Exception {
        Path corpus = TestPaths.corpus("amd64-6.1");
        Path profile = tmp.resolve("with-test-cert.profile.gz");
        Run r = run("profile", "import", "--system-map", corpus.resolve("System.map-6.1.0-56-amd64.gz").toString(),
                "--symvers", corpus.resolve("Module.symvers.gz").toString(),
                "--config", TestPaths.kernel("amd64-6.1.0-56").resolve("config-6.1.0-56-amd64").toString(),
                "--vmlinuz", TestPaths.kernel("amd64-6.1.0-56").resolve("vmlinuz-6.1.0-56-amd64").toString(),
                "--certs", cert.toString(), "-o", profile.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains(", 2 trusted certificates"), r.output());
        Path root = boot("own-key", "--kernel", profile.toString(), "--set", "CONFIG_MODULE_SIG_FORCE=y");
        assertEquals(0, insmod(root, resigned).exit());
        assertEquals(0, exit("rmmod", "--root", root.toString(), "dummy"));
        assertEquals(0, insmod(root, dummy).exit(), "Debian's key from the vmlinuz is there too");
        assertEquals("", KernelState.taints(root));
    }

    @Test
    void simBootKeyringAddsTrustedKeys() throws Exception {
        Path ring = tmp.resolve("boot-ring");
        Files.createDirectories(ring);
        Files.copy(cert, ring.resolve("test.pem"));
        Path root = boot("boot-keyring", "--keyring", ring.toString(), "--set", "CONFIG_MODULE_SIG_FORCE=y");
        assertEquals(0, insmod(root, resigned).exit());
        assertEquals(0, exit("rmmod", "--root", root.toString(), "dummy"));
        assertEquals(0, insmod(root, dummy).exit(), "the built-in Debian key stays");
        assertEquals(1, insmod(root, tampered).exit());
        assertEquals("", KernelState.taints(root));
    }

    @Test
    void theLinuxBackendRefusesBeforeTheKernelIsAsked() {
        // A live kernel's profile: module.sig_enforce=1, and its keys unknown (null): what can be told without them is.
        KernelProfile embedded = ProfileFile.embeddedDefault();
        KernelProfile live = new KernelProfile(embedded.arch(), embedded.release(), embedded.vermagic(), embedded.pageSize(),
                embedded.moduleAreaStart(), embedded.moduleAreaEnd(), embedded.config(), embedded.symbols())
                .withConfig(Map.of("CONFIG_MODULE_SIG_FORCE", "y"));
        LinkOptions opts = new LinkOptions(false, false, "");
        KernelException e = assertThrows(KernelException.class, () -> Linker.prepare(ObjectFile.read(stripped), live, opts));
        assertEquals("EKEYREJECTED", e.errno());
        e = assertThrows(KernelException.class, () -> Linker.prepare(ObjectFile.read(junk), live, opts));
        assertEquals("EBADMSG", e.errno());
        // Only the kernel knows its keys: a well-formed signature goes to it (its answer for tampered is EKEYREJECTED).
        Linker.prepare(ObjectFile.read(tampered), live, opts);
        Linker.prepare(ObjectFile.read(resigned), live, opts);
        // With the keys in the profile, the changed and the unknown-key module are refused too.
        KernelProfile keyed = embedded.withConfig(Map.of("CONFIG_MODULE_SIG_FORCE", "y"));
        assertEquals("EKEYREJECTED", assertThrows(KernelException.class, () -> Linker.prepare(ObjectFile.read(tampered), keyed, opts)).errno());
        assertEquals("EKEYREJECTED", assertThrows(KernelException.class, () -> Linker.prepare(ObjectFile.read(resigned), keyed, opts)).errno());
        // --force-vermagic and --force-modversion make a signed module unsigned (module_sig_check's mangled_module).
        e = assertThrows(KernelException.class, () -> Linker.prepare(ObjectFile.read(dummy), keyed, new LinkOptions(true, false, "")));
        assertTrue(e.getMessage().contains("Loading of unsigned module is rejected (EKEYREJECTED)"), e.getMessage());
    }

    @Test
    void everyDebianSignedCorpusModuleVerifiesWithTheDefaultProfilesCertificate() throws Exception {
        List<String> args = new ArrayList<>(List.of("verify"));
        try (Stream<Path> s = Files.walk(TestPaths.corpus("amd64-6.1").resolve("kernel"))) {
            s.filter(p -> p.toString().endsWith(".ko")).sorted().forEach(p -> args.add(p.toString()));
        }
        assertEquals(45, args.size());
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
        List<String> lines = r.output().lines().toList();
        assertEquals(44, lines.size());
        for (String l : lines) {
            assertTrue(l.matches(".*\\.ko: valid: signer 'Build time autogenerated kernel key', serial 66:F5:4E:15:66:A0:43:CC:30:30:42:0E:18:1C:F8:50:FB:9F:42:AC, sha256"), l);
        }
        r = run("verify", "--json", tampered.toString(), junk.toString(), stripped.toString(), resigned.toString());
        assertEquals(1, r.exit());
        for (String errno : List.of("EKEYREJECTED", "EBADMSG", "ENODATA", "ENOKEY")) {
            assertTrue(r.output().contains("\"errno\": \"" + errno + "\""), errno + " in " + r.output());
        }
    }

    @Test
    void signedOutputVerifiesWithModkitAndWithOpenssl() throws Exception {
        Path ring = tmp.resolve("ring");
        Files.createDirectories(ring);
        Files.copy(cert, ring.resolve("test.pem"));
        Path skid = tmp.resolve("skid/dummy.ko");
        Files.createDirectories(skid.getParent());
        Run s = run("sign", "--key", key.toString(), "--cert", cert.toString(), "-k", "--hash", "sha512", "--json",
                stripped.toString(), "-o", skid.toString());
        assertEquals(0, s.exit(), s.output());
        assertTrue(s.output().contains("\"key_id_type\": \"skid\""), s.output());
        Run v = run("verify", "--keyring", ring.toString(), resigned.toString(), skid.toString());
        assertEquals(0, v.exit(), v.output());
        assertTrue(v.output().contains(skid + ": valid: signer 'modkit test signing key', key id "), v.output());
        assertTrue(v.output().contains(", sha512"), v.output());
        assertFalse(run("verify", "--keyring", ring.toString(), dummy.toString()).exit() == 0, "Debian's module: not our key");
        // The signed ELF image is the unsigned module byte for byte.
        byte[] r = Files.readAllBytes(resigned);
        assertTrue(Arrays.equals(Files.readAllBytes(stripped), Arrays.copyOf(r, elfLength(r))));
        Path openssl = Path.of("/usr/bin/openssl");
        assumeTrue(Files.isExecutable(openssl), "openssl not installed: no cross-check");
        for (Path m : List.of(resigned, skid)) {
            byte[] d = Files.readAllBytes(m);
            int elf = elfLength(d);
            Path content = write("openssl/" + m.getParent().getFileName() + ".elf", Arrays.copyOf(d, elf));
            Path p7 = write("openssl/" + m.getParent().getFileName() + ".p7s", Arrays.copyOfRange(d, elf, d.length - 40));
            Process p = new ProcessBuilder(openssl.toString(), "cms", "-verify", "-binary", "-inform", "DER", "-in", p7.toString(),
                    "-content", content.toString(), "-certfile", cert.toString(), "-CAfile", cert.toString(), "-out", "/dev/null")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), m + ": " + out);
            assertTrue(out.contains("Verification successful"), out);
        }
    }
}
