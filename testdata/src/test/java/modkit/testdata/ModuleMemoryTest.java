package modkit.testdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import modkit.elf.ObjectFile;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelProfile;
import modkit.kernel.MemoryKernel;
import modkit.kernel.ProfileFile;
import org.junit.jupiter.api.Test;

/** Kernels from 6.4 on give each kind of module memory its own region; one that comes to 0 bytes is not allocated. */
class ModuleMemoryTest {
    /**
     * Without CONFIG_MODULE_UNLOAD, mk_params' only core code (.exit.text) is init code, so its core text region is
     * empty: Linux 6.12 modules with an empty .text (tuner-types, cast_common, ...) made the linker fail here.
     */
    @Test
    void anEmptyRegionIsNotAllocatedAndItsEmptySectionsLinkAtTheirOffset() {
        KernelProfile p = ProfileFile.embeddedDefault();
        KernelProfile v612 = new KernelProfile(p.arch(), "6.12.0-test", p.vermagic().replace("6.1.0-56-amd64", "6.12.0-test"),
                p.pageSize(), p.moduleAreaStart(), p.moduleAreaEnd(), p.config(), p.symbols()).withConfig(Map.of("CONFIG_MODULE_UNLOAD", "n"));
        LinkResult r;
        try (MemoryKernel k = new MemoryKernel(v612)) {
            r = Insmod.load(ObjectFile.read(TestPaths.testdata().resolve("objects/x86_64/mk_params.ko")), k,
                    new LinkOptions(true, false, ""), true);
        }
        assertNull(r.region("text"), "no core text");
        assertEquals(0, r.sections().stream().filter(s -> s.region().equals("text")).count());
        assertEquals("init_text", r.sections().stream().filter(s -> s.name().equals(".exit.text")).findFirst().orElseThrow().region(),
                ".exit.text is init code without CONFIG_MODULE_UNLOAD");
    }
}
