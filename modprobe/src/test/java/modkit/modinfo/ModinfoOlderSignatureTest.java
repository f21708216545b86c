package modkit.modinfo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import modkit.depmod.Kmod;
import modkit.depmod.SyntheticModule;
import modkit.depmod.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import modkit.depmod.Ours;

/**
 * Signatures in the format before PKCS#7 (id type PGP or X509: signer name, key id and signature bytes in front of
 * struct module_signature, as kmod's testsuite dummy.sha1/dummy.sha256 keys make them): modinfo shows sig_id,
 * signer, sig_key, sig_hashalgo and signature (libkmod-signature.c fill_default), in every output mode, as kmod 30
 * here prints them, one line per file with -F.
 */
class ModinfoOlderSignatureTest {
    @TempDir
    Path tmp;

    /** ELF + signer + key id + signature + module_signature{algo, hash, id_type, signer_len, key_id_len, pad, sig_len BE} + magic. */
    private static byte[] signed(byte[] elf, int hash, int idType, String signer, byte[] keyId, byte[] sig) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(elf);
        byte[] s = signer.getBytes(StandardCharsets.ISO_8859_1);
        b.writeBytes(s);
        b.writeBytes(keyId);
        b.writeBytes(sig);
        b.writeBytes(new byte[] {1, (byte) hash, (byte) idType, (byte) s.length, (byte) keyId.length, 0, 0, 0,
            (byte) (sig.length >>> 24), (byte) (sig.length >>> 16), (byte) (sig.length >>> 8), (byte) sig.length});
        b.writeBytes("~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (seed + i * 37);
        }
        return out;
    }

    @Test
    void olderSignatureFieldsAsKmod() throws IOException {
        Kmod.assumeInstalled();
        byte[] elf = new SyntheticModule().info("license", "GPL").info("description", "signed the old way").bytes();
        List<String> files = new ArrayList<>();
        Object[][] kinds = {{2, 1, "Magrathea: Glacier signing key"}, {4, 1, "x"}, {8, 0, "PGP signer"}, {1, 1, ""}};
        for (int i = 0; i < kinds.length; i++) {
            Path f = tmp.resolve("old" + i + ".ko");
            int keyLen = i == 3 ? 0 : 20;
            Files.write(f, signed(elf, (int) kinds[i][0], (int) kinds[i][1], (String) kinds[i][2], bytes(keyLen, i),
                    bytes(40 + 30 * i, 7 * i)));
            files.add(f.toString());
        }
        // a trailer kmod refuses (unknown hash 9): no signature fields at all
        Path bad = tmp.resolve("bad.ko");
        Files.write(bad, signed(elf, 9, 1, "n", bytes(4, 1), bytes(8, 2)));
        files.add(bad.toString());
        List<List<String>> modes = List.of(List.of(), List.of("-0"), List.of("-F", "signer"), List.of("-F", "sig_key"),
                List.of("-F", "sig_hashalgo"), List.of("-F", "sig_id"), List.of("-F", "signature"));
        for (List<String> mode : modes) {
            List<String> args = new ArrayList<>(mode);
            args.addAll(files);
            Kmod.Run k = Kmod.run("modinfo", args);
            Kmod.Run o = Ours.modinfo(UTF_8, args.toArray(String[]::new));
            assertEquals(k.out(), o.out(), mode.toString());
            assertEquals(k.exit(), o.exit(), mode.toString());
        }
        Kmod.Run o = Ours.modinfo(UTF_8, "-F", "sig_hashalgo", files.get(0), files.get(1), files.get(2));
        assertEquals("sha1\nsha256\nsm3\n", o.out(), "module_signature.hash 2, 4, 8");
        assertTrue(Ours.modinfo(UTF_8, files.get(0)).out().contains("sig_id:         X509\nsigner:         Magrathea: Glacier signing key\n"));
    }
}
