package modkit.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import modkit.elf.ObjectFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered arch gives every fact the rest of modkit asks of it, and the facts agree with each other and
 * with the registry's lookups. A new arch that leaves one out, or says it differently in two places, fails here
 * rather than in a command.
 */
class ArchTraitsTest {
    static Stream<Arch> arches() {
        return Arches.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arches")
    void everyTraitIsGiven(Arch arch) throws ReflectiveOperationException {
        ArchTraits t = arch.traits();
        assertNotNull(t, "traits()");
        for (RecordComponent c : ArchTraits.class.getRecordComponents()) {
            assertNotNull(c.getAccessor().invoke(t), c.getName());
        }
        assertFalse(t.name().isBlank());
        assertFalse(t.machines().isEmpty());
        assertFalse(t.unameMachines().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arches")
    void theRegistryFindsItByEveryName(Arch arch) {
        ArchTraits t = arch.traits();
        assertSame(arch, Arches.byName(t.name()));
        assertSame(arch, Arches.require(t.name()));
        for (int m : t.machines()) {
            assertSame(arch, Arches.forMachine(m), "e_machine " + m);
            assertTrue(arch.acceptsMachine(m));
        }
        assertEquals(t.machine(), arch.machine());
        for (String u : t.unameMachines()) {
            assertSame(arch, Arches.forUname(u), "uname -m " + u);
        }
        assertSame(arch, Arches.forConfig(Map.of(t.kconfig(), "y")), t.kconfig());
    }

    @Test
    void noNameOrNumberBelongsToTwoArches() {
        Set<Object> seen = new HashSet<>();
        for (Arch a : Arches.all()) {
            ArchTraits t = a.traits();
            assertTrue(seen.add("name " + t.name()), t.name());
            assertTrue(seen.add(t.kconfig()), t.kconfig());
            t.machines().forEach(m -> assertTrue(seen.add("e_machine " + m), "e_machine " + m));
            t.unameMachines().forEach(u -> assertTrue(seen.add("uname " + u), "uname " + u));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arches")
    void sizesAndAreasAgree(Arch arch) {
        ArchTraits t = arch.traits();
        assertEquals(t.is64() ? 8 : 4, t.pointerSize(), "a Linux kernel's pointers are as wide as its ELF class");
        assertEquals(t.is64(), arch.is64());
        assertSame(t.order(), arch.order());
        assertEquals(t.usesRela(), arch.usesRela());
        int page = t.pageSize();
        assertTrue(page >= 4096 && Integer.bitCount(page) == 1, "page size " + page);
        assertEquals(page, arch.pageSize(option -> false), "the default config gives the default page size");
        ArchTraits.Area m = t.moduleArea();
        assertEquals(0, m.start() % page, "module area start on a page");
        assertEquals(0, m.end() % page, "module area end on a page");
        if (!t.is64()) {
            assertTrue(Long.compareUnsigned(m.end(), 1L << 32) <= 0, "a 32-bit module area below 4 GiB");
        }
        t.kmallocArea().ifPresent(k -> assertTrue(Long.compareUnsigned(k.end(), m.start()) <= 0
                || Long.compareUnsigned(m.end(), k.start()) <= 0, "kmalloc memory outside the module area"));
        for (String option : t.configOptions()) {
            assertTrue(option.startsWith("CONFIG_"), option);
        }
    }

    /** What each relocation type the arch accepts needs from it: a name, a field, an addend, tables. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("arches")
    void everyAcceptedTypeIsComplete(Arch arch) throws NoSuchMethodException {
        boolean buildsTables = overrides(arch, "sections", ObjectFile.class, Predicate.class);
        if (!arch.usesRela()) {
            assertTrue(overrides(arch, "implicitAddend", ByteBuffer.class, int.class, int.class),
                    "a REL arch reads its addend from the field");
        }
        int accepted = 0;
        for (int type = 0; type < 1024; type++) {
            RelocKind kind = arch.kindOf(type);
            if (kind == RelocKind.UNSUPPORTED) {
                continue;
            }
            accepted++;
            String name = arch.typeName(type);
            assertFalse(name.startsWith("relocation type"), "type " + type + " accepted without a psABI name");
            if (kind != RelocKind.NONE) {
                assertTrue(arch.fieldSize(type) > 0, name + " has no field");
            }
            if (kind.needs() == RelocKind.Needs.TABLES) {
                assertTrue(buildsTables, name + " is " + kind + ", which needs the arch's tables (Arch.sections)");
            }
        }
        assertNotEquals(0, accepted, "no relocation type accepted");
    }

    private static boolean overrides(Arch arch, String method, Class<?>... params) throws NoSuchMethodException {
        return arch.getClass().getMethod(method, params).getDeclaringClass() != Arch.class;
    }
}
