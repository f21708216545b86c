package modkit.moddir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A builder that writes a file as it fills makes the same bytes as one in memory. */
class ByteBuilderTest {
    @TempDir
    Path dir;

    private byte[] streamed(Consumer<ByteBuilder> fill) throws IOException {
        Path f = dir.resolve("out");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuilder b = ByteBuilder.to(ch);
            fill.accept(b);
            b.flush();
        }
        return Files.readAllBytes(f);
    }

    private static byte[] inMemory(Consumer<ByteBuilder> fill) {
        ByteBuilder b = new ByteBuilder(16);
        fill.accept(b);
        return b.toBytes();
    }

    @Test
    void streamedFileIsTheBytesBuiltWithWordsPatchedAcrossFlushes() throws IOException {
        Consumer<ByteBuilder> fill = b -> {
            b.int32(0).int32(0);
            for (int i = 0; i < 20_000; i++) { // 200 KB: several 64 KB flushes
                b.add("line ").add(i).nl();
            }
            assertEquals(8 + 10 * 7 + 90 * 8 + 900 * 9 + 9_000 * 10 + 10_000 * 11, b.size());
            b.putInt(0, 0xB007F457); // long flushed
            int edge = 65_534; // a word across the first flush's end
            b.putInt(edge, 0x41424344);
            b.putInt(b.size() - 4, 0x0a0b0c0d); // still in the array
        };
        byte[] expected = inMemory(fill);
        assertEquals(0xB0, expected[0] & 0xff);
        assertEquals("ABCD", new String(expected, 65_534, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertArrayEquals(expected, streamed(fill));
    }

    @Test
    void indexWrittenToAFileIsTheIndexInMemory() throws IOException {
        Consumer<ByteBuilder> fill = b -> {
            IndexWriter w = new IndexWriter();
            for (int i = 0; i < 5_000; i++) {
                w.add("pci:v0000" + Integer.toHexString(i * 7919) + "d*", "module" + (i % 97), i % 13);
            }
            w.writeTo(b);
        };
        byte[] file = streamed(fill);
        assertArrayEquals(inMemory(fill), file);
        assertEquals(java.util.List.of("module" + (42 % 97)),
                IndexFile.of("x", file).lookup("pci:v0000" + Integer.toHexString(42 * 7919) + "d*").stream()
                        .map(IndexFile.Value::value).toList());
    }

    @Test
    void aStreamingBuilderKeepsNoBytesAndPatchesOnlyWhatItWrote() throws IOException {
        streamed(b -> {
            b.add("abc");
            assertThrows(IllegalStateException.class, b::toBytes);
            assertThrows(IndexOutOfBoundsException.class, () -> b.putInt(0, 1));
        });
    }
}
