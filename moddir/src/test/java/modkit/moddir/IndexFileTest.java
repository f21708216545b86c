package modkit.moddir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import modkit.elf.ModkitException;
import org.junit.jupiter.api.Test;

/** The .bin trie writer (IndexWriter) and reader (IndexFile) on small cases. */
class IndexFileTest {
    @Test
    void writtenKeysReadBackWithValuesInPriorityOrder() {
        IndexWriter w = new IndexWriter();
        w.add("once", "b", 2);
        w.add("on", "x", 0);
        w.add("once", "a", 1);
        w.add("one", "y", 5);
        w.add("ask", "z", 3);
        w.add("ate", "q", 3);
        w.add("once", "c", 1); // same priority as "a": kmod puts the later one first
        IndexFile f = IndexFile.of("test", w.toBytes());
        assertEquals(List.of("c", "a", "b"), f.lookup("once").stream().map(IndexFile.Value::value).toList());
        assertEquals("x", f.search("on"));
        assertEquals(List.of(), f.lookup("o"));
        assertEquals(List.of(), f.lookup("onces"));
        assertEquals(List.of("ask", "ate", "on", "once", "one"), f.entries().stream().map(IndexFile.Entry::key).toList());
    }

    @Test
    void emptyIndexIsTwelveBytes() {
        byte[] b = new IndexWriter().toBytes();
        assertEquals(12, b.length);
        assertEquals(List.of(), IndexFile.of("empty", b).entries());
    }

    @Test
    void damagedIndexIsOneError() {
        IndexWriter w = new IndexWriter();
        w.add("key", "value", 0);
        byte[] b = w.toBytes();
        b[11] = (byte) 0xff; // root offset past the end
        ModkitException e = assertThrows(ModkitException.class, () -> IndexFile.of("x.bin", b).entries());
        assertEquals("x.bin: node offset 0xff is outside the file (0x23 bytes)", e.getMessage());
        assertThrows(ModkitException.class, () -> IndexFile.of("y.bin", new byte[] {1, 2, 3}));
    }

    /** h-fuzz's kmod-index-negative-capacity.bin: a value count of 0xe0000028 was an IllegalArgumentException (exit 70). */
    @Test
    void hugeValueCountIsOneError() {
        IndexWriter w = new IndexWriter();
        w.add("key", "value", 0);
        byte[] b = w.toBytes();
        // a value is [count][priority]"value\0": the count is the 4 bytes 8 before the string
        int count = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("value") - 8;
        assertEquals(1, b[count + 3]);
        b[count] = (byte) 0xe0;
        b[count + 3] = 0x28;
        ModkitException e = assertThrows(ModkitException.class, () -> IndexFile.of("x.bin", b).entries());
        assertTrue(e.getMessage().contains(" claims 3758096424 values, more than the 0x"), e.getMessage());
    }
}
