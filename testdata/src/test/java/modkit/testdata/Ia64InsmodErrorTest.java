package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import modkit.cli.Modkit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ia64 bad input through the real command, against a simulated kernel booted with profiles/ia64-test.profile:
 * each case prints exactly one error line (and maybe a hint), exits 1 and leaves the kernel state as it was. The
 * objects are samples/ia64/bad-*.S.
 */
class Ia64InsmodErrorTest {
    @TempDir
    Path tmp;

    Path root;
    Path td = TestPaths.testdata();

    @BeforeEach
    void bootTheIa64TestKernel() {
        root = tmp.resolve("state");
        assertEquals(0, Modkit.run("sim", "boot", "--root", root.toString(), "--kernel",
                td.resolve("profiles/ia64-test.profile").toString()));
    }

    record Outcome(int exit, String stderr) {}

    Outcome insmod(String object) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Outcome(Modkit.run("insmod", "--root", root.toString(), td.resolve(object).toString()),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    void assertRefused(String object, String expected, String expectedHint) throws Exception {
        String before = KernelState.withoutTaint(root);
        Outcome o = insmod(object);
        assertEquals(1, o.exit(), o.stderr());
        String[] lines = o.stderr().split("\n");
        assertEquals("insmod: error: " + td.resolve(object) + expected, lines[0]);
        assertEquals(expectedHint == null ? 1 : 2, lines.length, o.stderr());
        if (expectedHint != null) {
            assertEquals("  hint: " + expectedHint, lines[1]);
        }
        assertEquals(before, KernelState.withoutTaint(root), "a failed insmod must not change the kernel state (but its taint)");
    }

    @Test
    void theGoodSampleLoads() {
        Outcome o = insmod("objects/ia64/relocs.o");
        assertEquals(0, o.exit(), o.stderr());
    }

    @Test
    void relocationInTheWrongSlotKind() throws Exception {
        assertRefused("objects/ia64/bad-slot.o", ":(.text+0x2): R_IA64_GPREL22 against '.data': slot 2 of an MIB bundle"
                + " (template 0x11) is a B slot holding opcode 0, not the addl (A5, imm22) this relocation patches", null);
    }

    @Test
    void valueOutOfRange() throws Exception {
        assertRefused("objects/ia64/bad-imm22.o", ":(.text+0x0): R_IA64_IMM22 against '.data': value -6917529019051147200"
                + " (-0x5ffffffdffffffc0) out of IMM22 range (signed 22 bits)", null);
    }

    @Test
    void gpRelativeTargetOutOfReach() throws Exception {
        assertRefused("objects/ia64/bad-gprel.o", ":(.text+0x0): R_IA64_GPREL22 against 'mk_kvar': value -4265607224"
                + " (-0xfe400038) out of IMM22 range (signed 22 bits)",
                "gp-relative offsets reach gp +/- 2 MiB; data that far from the module's gp must be reached through the GOT (@ltoff)");
    }

    @Test
    void unsupportedTypeTheKernelRejects() throws Exception {
        assertRefused("objects/ia64/bad-imm14.o", ":(.text+0x0): unsupported relocation R_IA64_IMM14 (33) against"
                + " 'mk_kconst': the ia64 kernel loader does not accept it: it must be resolved by ld -r within the module"
                + " (\"format 1 needed by IMM14 reloc is not supported\")", null);
    }

    @Test
    void linkTimeValueIsAnErrorNotACrash() throws Exception {
        assertRefused("objects/ia64/bad-ltv.o", ":(.data+0x0): unsupported relocation R_IA64_LTV64LSB (119) against"
                + " 'bl_fn': the ia64 kernel loader does not accept it: link-time-value relocations must be resolved by the"
                + " static linker; the kernel hits BUG() on them", null);
    }

    @Test
    void missingPlaceholderSection() throws Exception {
        assertRefused("objects/ia64/bad-nogot.o", ": sections missing: .got (the ia64 kernel needs all of .core.plt,"
                + " .init.plt, .got and .opd)",
                "link the module with the kernel's module linker script (scripts/module.lds), which creates them");
    }
}
