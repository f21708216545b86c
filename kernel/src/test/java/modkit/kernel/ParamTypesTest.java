package modkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import modkit.elf.ModkitException;
import org.junit.jupiter.api.Test;

/**
 * Every parameter kind of Linux 6.1 ({@code param_ops_*} of kernel/params.c, kparam_string, kparam_array, and a
 * module's own ops) shown as sysfs shows it: the expected texts are the {@code param_get_*} printf formats
 * ("%hhu", "%hi", "%hu", "%i", "%u", "%li", "%lu", "%llu", "%#08x", "%s", 'Y'/'N', commas between array elements).
 */
class ParamTypesTest {
    static final long BASE = 0xffffffffc0001000L;

    /** 256 bytes of 64-bit little-endian module memory at {@link #BASE}. */
    final byte[] bytes = new byte[256];
    final ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    final ImageMemory mem = new ImageMemory(List.of(new ModuleImage.Region(".data", BASE, bytes.length, bytes)),
            ByteOrder.LITTLE_ENDIAN, 8);

    String show(String type, int at) {
        return ParamTypes.show(mem, new ModuleParam("p", type, BASE + at, 0, 0444));
    }

    @Test
    void integerKinds() {
        b.put(0, (byte) 200);
        assertEquals("200", show("byte", 0));
        b.putShort(0, (short) -5);
        assertEquals("-5", show("short", 0));
        assertEquals("65531", show("ushort", 0));
        b.putInt(0, -7);
        assertEquals("-7", show("int", 0));
        assertEquals("4294967289", show("uint", 0));
        b.putLong(0, -5);
        assertEquals("-5", show("long", 0));
        assertEquals("18446744073709551611", show("ulong", 0));
        assertEquals("18446744073709551611", show("ullong", 0));
    }

    @Test
    void hexintIsPrintedWithHashZeroEight() {
        b.putInt(0, 0xabc);
        assertEquals("0x000abc", show("hexint", 0));
        b.putInt(0, 0xdeadbeef);
        assertEquals("0xdeadbeef", show("hexint", 0));
        b.putInt(0, 0);
        assertEquals("00000000", show("hexint", 0), "C's %#08x writes no 0x for zero");
    }

    @Test
    void boolKinds() {
        b.put(0, (byte) 1);
        assertEquals("Y", show("bool", 0));
        assertEquals("N", show("invbool", 0));
        assertEquals("Y", show("bool_enable_only", 0));
        b.put(0, (byte) 0);
        assertEquals("N", show("bool", 0));
        assertEquals("Y", show("invbool", 0));
        b.putInt(4, 1);
        assertEquals("1", show("bint", 4), "param_ops_bint prints the int with param_get_int");
    }

    @Test
    void charpAndString() {
        put(64, "hello world");
        b.putLong(0, BASE + 64);
        assertEquals("hello world", show("charp", 0));
        b.putLong(0, 0);
        assertEquals("(null)", show("charp", 0));
        // struct kparam_string {unsigned maxlen; char *string}
        b.putInt(8, 16);
        b.putLong(16, BASE + 64);
        assertEquals("hello world", show("string", 8));
    }

    @Test
    void arraysOfEachKind() {
        // struct kparam_array {unsigned max; unsigned elemsize; unsigned *num; ops *; void *elem}
        array(0, 4, 4, BASE + 200, BASE + 100);
        b.putInt(200, 2);
        b.putInt(100, 9).putInt(104, -8).putInt(108, 77);
        assertEquals("9,-8", show("array of int", 0), "*num elements");
        assertEquals("9,4294967288", show("array of uint", 0));
        b.putLong(8, 0);
        assertEquals("9,-8,77,0", show("array of int", 0), "without a count: max elements");
        array(0, 3, 1, BASE + 200, BASE + 100);
        b.putInt(200, 3);
        bytes[100] = 1;
        bytes[101] = 0;
        bytes[102] = 1;
        assertEquals("Y,N,Y", show("array of bool", 0));
        assertEquals("N,Y,N", show("array of invbool", 0));
        assertEquals("1,0,1", show("array of byte", 0));
        array(0, 2, 8, BASE + 200, BASE + 100);
        b.putInt(200, 2);
        put(150, "a b");
        b.putLong(100, BASE + 150).putLong(108, 0);
        assertEquals("a b,(null)", show("array of charp", 0));
        b.putLong(100, -1).putLong(108, 5);
        assertEquals("18446744073709551615,5", show("array of ullong", 0));
        assertEquals("-1,5", show("array of long", 0));
        b.putShort(100, (short) -2).putShort(102, (short) 3);
        array(0, 2, 2, BASE + 200, BASE + 100);
        assertEquals("-2,3", show("array of short", 0));
        assertEquals("65534,3", show("array of ushort", 0));
        b.putInt(100, 0x10).putInt(104, 0);
        array(0, 2, 4, BASE + 200, BASE + 100);
        assertEquals("0x000010,00000000", show("array of hexint", 0));
        assertEquals("16,0", show("array of bint", 0));
    }

    @Test
    void customOpsSayCustomAndTheValueWhenTheSizeIsKnown() {
        b.putInt(0, 8);
        assertEquals("custom (variable holds 8)", ParamTypes.show(mem, new ModuleParam("max_loop", "custom", BASE, 4, 0444)));
        b.putLong(8, -3);
        assertEquals("custom (variable holds -3)", ParamTypes.show(mem, new ModuleParam("x", "custom", BASE + 8, 8, 0444)));
        assertEquals("custom", ParamTypes.show(mem, new ModuleParam("y", "custom", BASE, 0, 0444)), "size unknown");
        assertEquals("custom", ParamTypes.show(mem, new ModuleParam("z", "custom", BASE + 4096, 4, 0444)),
                "variable outside the module");
        assertEquals("custom", show("some_type_of_its_own", 0), "a parmtype the kernel has no ops for");
        array(0, 2, 4, BASE + 200, BASE + 100);
        b.putInt(200, 2);
        assertEquals("custom,custom", show("array of custom", 0));
    }

    @Test
    void damagedMemoryIsShownAsFarAsItGoesNeverACrash() {
        // A count above max: the kernel never stores one; show max elements.
        array(0, 2, 4, BASE + 200, BASE + 100);
        b.putInt(200, 1_000_000);
        b.putInt(100, 1).putInt(104, 2);
        assertEquals("1,2", show("array of int", 0));
        // max 4 billion, elemsize 0: one page at most, as sysfs
        array(0, -1, 0, 0, BASE + 100);
        String s = show("array of int", 0);
        assertEquals(ParamTypes.SHOW_LIMIT, s.length());
        assertTrue(s.startsWith("1,1,1"), s);
        // a string without a NUL ends with the module's memory
        java.util.Arrays.fill(bytes, 64, 256, (byte) 'x');
        b.putLong(0, BASE + 64);
        assertEquals("x".repeat(192), show("charp", 0));
        // a pointer outside the module: an input error, not an exception of Java's
        b.putInt(8, 16);
        b.putLong(16, Long.MAX_VALUE);
        assertEquals("", show("string", 8));
        assertThrows(ModkitException.class, () -> ParamTypes.show(mem, new ModuleParam("p", "int", Long.MAX_VALUE - 1, 0, 0)));
        assertThrows(ModkitException.class, () -> ParamTypes.show(mem, new ModuleParam("p", "array of int", BASE + 250, 0, 0)));
    }

    @Test
    void bigEndian32BitModules() {
        byte[] m = new byte[64];
        ByteBuffer bb = ByteBuffer.wrap(m).order(ByteOrder.BIG_ENDIAN);
        ImageMemory be = new ImageMemory(List.of(new ModuleImage.Region(".data", 0x1000, m.length, m)), ByteOrder.BIG_ENDIAN, 4);
        bb.putInt(0, -2);
        assertEquals("-2", ParamTypes.show(be, "long", 0x1000), "long is 4 bytes on a 32-bit kernel");
        assertEquals("4294967294", ParamTypes.show(be, "ulong", 0x1000));
        bb.putShort(4, (short) 0x1234);
        assertEquals("4660", ParamTypes.show(be, "ushort", 0x1004));
        // kparam_array on 32 bits: {max, elemsize, num*, ops*, elem*}
        bb.putInt(8, 2).putInt(12, 2).putInt(16, 0).putInt(20, 0).putInt(24, 0x1004);
        bb.putShort(6, (short) -1);
        assertEquals("4660,-1", ParamTypes.show(be, "array of short", 0x1008));
    }

    private void array(int at, int max, int elemSize, long num, long elem) {
        b.putInt(at, max).putInt(at + 4, elemSize).putLong(at + 8, num).putLong(at + 16, 0).putLong(at + 24, elem);
    }

    private void put(int at, String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(t, 0, bytes, at, t.length);
        bytes[at + t.length] = 0;
    }
}
