package modkit.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The linker's formula for each kind ({@link RelocKind#value}) against the definitions in the kind's javadoc and
 * the Itanium psABI's "Relocation Types" table, worked by hand for one relocation: S = 0x1100, A = 0x24,
 * P = 0x2008 (so B = 0x2000), the patched section at 0x1800. The tables are a stand-in whose entries are easy to
 * tell apart: GP = 0x8000, GOT(x) = 0x900000 + x, FPTR(x) = 0xa00000 + x, PLT(x) = 0xb00000 + x, a call goes to
 * 0xc00000 + target, every region starts at 0x1000.
 */
class RelocKindTest {
    static final long S = 0x1100;
    static final long A = 0x24;
    static final long P = 0x2008;
    static final long SECTION = 0x1800;

    /** The stand-in tables; {@code near} says whether gp reaches and whether a target is inside the module. */
    static ArchSections tables(boolean near) {
        return new ArchSections() {
            @Override
            public long gp() {
                return 0x8000;
            }

            @Override
            public long got(long value) {
                return 0x900000 + value;
            }

            @Override
            public long fptr(long code) {
                return 0xa00000 + code;
            }

            @Override
            public long plt(long descriptor, long at) {
                return 0xb00000 + descriptor;
            }

            @Override
            public long call(long target, long at) {
                return 0xc00000 + target;
            }

            @Override
            public boolean isInternal(long value) {
                return near;
            }

            @Override
            public boolean gpAddressable(long value) {
                return near;
            }

            @Override
            public long regionBase(long value) {
                return 0x1000;
            }
        };
    }

    /** Every kind but UNSUPPORTED, with its value worked out by hand. */
    static final Map<RelocKind, Long> EXPECTED = Map.ofEntries(
            Map.entry(RelocKind.NONE, 0L),
            Map.entry(RelocKind.ABS, 0x1124L), //                 S + A
            Map.entry(RelocKind.PC, -0xee4L), //                  0x1124 - 0x2008
            Map.entry(RelocKind.PC_BUNDLE, -0xedcL), //           0x1124 - 0x2000
            Map.entry(RelocKind.PC_BUNDLE_LOCAL, -0xedcL), //     the same, the target being inside the module
            Map.entry(RelocKind.CALL, 0xbff124L), //              0xc01124 - 0x2000
            Map.entry(RelocKind.GPREL, -0x6edcL), //              0x1124 - 0x8000
            Map.entry(RelocKind.GOT_GPREL, 0x8f9124L), //         0x901124 - 0x8000
            Map.entry(RelocKind.GPREL_OR_GOT, -0x6edcL), //       gp reaches S + A: as GPREL
            Map.entry(RelocKind.FPTR, 0xa01124L), //              FPTR(0x1124)
            Map.entry(RelocKind.GOT_FPTR_GPREL, 0x12f9124L), //   GOT(0xa01124) - 0x8000 = 0x1301124 - 0x8000
            Map.entry(RelocKind.PLT_ABS, 0xb01124L), //           PLT(0x1124)
            Map.entry(RelocKind.IPLT, 0x1501124L), //             FPTR(0xb01124)
            Map.entry(RelocKind.SECREL, -0x6dcL), //              0x1124 - 0x1800
            Map.entry(RelocKind.BDREL, 0x124L), //                0x1124 - 0x1000
            Map.entry(RelocKind.SUB, -0x10dcL)); //               A - S = 0x24 - 0x1100

    @Test
    void everyKindGivesItsFormula() throws FieldOverflow {
        assertEquals(EnumSet.complementOf(EnumSet.of(RelocKind.UNSUPPORTED)), EnumSet.copyOf(EXPECTED.keySet()),
                "a kind without a worked row");
        for (Map.Entry<RelocKind, Long> e : EXPECTED.entrySet()) {
            assertEquals(e.getValue(), e.getKey().value(S, A, P, SECTION, tables(true)), e.getKey().name());
        }
    }

    @Test
    void farTargetsGoThroughTheGotOrAreRefused() throws FieldOverflow {
        assertEquals(0x8f9124L, RelocKind.GPREL_OR_GOT.value(S, A, P, SECTION, tables(false)), "GOT(S + A) - GP");
        FieldOverflow e = assertThrows(FieldOverflow.class,
                () -> RelocKind.PC_BUNDLE_LOCAL.value(S, A, P, SECTION, tables(false)));
        assertEquals("reloc against non-local symbol (0x1124): the target must lie inside the module", e.getMessage());
    }

    @Test
    void anUnsupportedTypeNeverReachesTheFormula() {
        assertThrows(IllegalStateException.class, () -> RelocKind.UNSUPPORTED.value(S, A, P, SECTION, tables(true)));
    }

    /** The kinds that need no tables compute without any: an arch without GOT or PLT may use exactly these. */
    @ParameterizedTest
    @CsvSource({"NONE", "ABS", "PC", "PC_BUNDLE", "SECREL", "SUB"})
    void kindsWithoutTablesNeedNone(RelocKind kind) throws FieldOverflow {
        assertEquals(RelocKind.Needs.NOTHING, kind.needs());
        assertEquals(EXPECTED.get(kind), kind.value(S, A, P, SECTION, ArchSections.NONE));
    }

    @Test
    void aCallWithoutTablesBranchesStraightToItsTarget() throws FieldOverflow {
        assertEquals(RelocKind.Needs.NOTHING, RelocKind.CALL.needs());
        assertEquals(-0xedcL, RelocKind.CALL.value(S, A, P, SECTION, ArchSections.NONE), "S + A - B");
    }

    /** And the others really do: against {@link ArchSections#NONE} they fail rather than invent a value. */
    @Test
    void kindsMarkedForTablesAskForThem() {
        for (RelocKind kind : RelocKind.values()) {
            if (kind.needs() == RelocKind.Needs.TABLES) {
                assertThrows(IllegalStateException.class, () -> kind.value(S, A, P, SECTION, ArchSections.NONE), kind.name());
            }
        }
    }
}
