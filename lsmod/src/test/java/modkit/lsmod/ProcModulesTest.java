package modkit.lsmod;

import static modkit.lsmod.LsmodFormatTest.JSON;
import static modkit.lsmod.LsmodFormatTest.module;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleState;
import modkit.kernel.ProfileFile;
import org.junit.jupiter.api.Test;

/**
 * /proc/modules as the kernel's m_show prints it: name, size (all regions), refcount, each user followed by ',' or
 * "-" for none, "[permanent]," for a module with init and no exit, the state word, the address, and the module's
 * taint letters in parentheses (or "(+)"/"(-)" while loading/unloading).
 */
class ProcModulesTest {
    @Test
    void textIsMShow() {
        LoadedModule permanent = new LoadedModule("mk_perm", ModuleState.LIVE, 0xffffffffc0400000L, 8192, 8192, 0, 0, List.of(),
                "", true, false, null);
        List<LoadedModule> modules = List.of(
                module("mk_importer", 16384, 0, List.of(), ModuleState.LIVE, 0xffffffffc0206000L, "OE"),
                module("mk_exporter", 16384, 2, List.of("mk_nsimport", "mk_importer"), ModuleState.LIVE, 0xffffffffc0201000L, "OE"),
                permanent);
        String expected = """
                mk_importer 20480 0 - Live 0xffffffffc0206000 (OE)
                mk_exporter 20480 2 mk_nsimport,mk_importer, Live 0xffffffffc0201000 (OE)
                mk_perm 8192 0 [permanent], Live 0xffffffffc0400000
                """;
        assertEquals(expected, ProcModules.text(modules, ProfileFile.embeddedDefault()));
    }

    /** The kernel taint O (bit 12) and E (bit 13): /proc/sys/kernel/tainted is 4096 + 8192. */
    @Test
    void jsonCarriesTheKernelTaintMask() throws Exception {
        List<LoadedModule> modules = List.of(
                module("mk_exporter", 16384, 1, List.of("mk_importer"), ModuleState.LIVE, 0xffffffffc0201000L, "OE"));
        assertEquals(JSON.readTree("""
                {"tainted": 12288, "taints": "OE", "modules": [
                  {"name": "mk_exporter", "size": 20480, "refcnt": 1, "used_by": ["mk_importer"], "permanent": false,
                   "state": "Live", "address": "0xffffffffc0201000", "taints": "OE"}]}"""),
                JSON.readTree(ProcModules.json(modules, "OE")));
    }
}
