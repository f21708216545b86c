package modkit.lsmod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleState;
import org.junit.jupiter.api.Test;

/**
 * lsmod's text (kmod's tools/lsmod.c: a header, then {@code "%-19s %8lu  %d"} and the holders joined by ',') and its
 * JSON, over a module list given here. The JSON is read with Jackson, so invalid JSON fails the test.
 */
class LsmodFormatTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static LoadedModule module(String name, long coreSize, int refcnt, List<String> holders, ModuleState state, long address,
            String taints) {
        return new LoadedModule(name, state, address, coreSize + 4096, coreSize, 4096, refcnt, holders, taints, true, true, null);
    }

    private static final List<LoadedModule> MODULES = List.of(
            module("mk_importer", 16384, 0, List.of(), ModuleState.LIVE, 0xffffffffc0206000L, "OE"),
            module("a_module_with_a_name_longer_than_19", 1234567, 12, List.of(), ModuleState.COMING, 0xffffffffc0300000L, ""),
            module("mk_exporter", 16384, 1, List.of("mk_importer"), ModuleState.LIVE, 0xffffffffc0201000L, "OE"));

    @Test
    void textIsKmodsFormat() {
        String expected = """
                Module                  Size  Used by
                mk_importer            16384  0
                a_module_with_a_name_longer_than_19  1234567  12
                mk_exporter            16384  1 mk_importer
                """;
        assertEquals(expected, Lsmod.text(MODULES, "x86_64"));
        assertEquals("Module                  Size  Used by\n", Lsmod.text(List.of(), "x86_64"));
    }

    @Test
    void jsonHasEveryModuleWithItsFields() throws Exception {
        JsonNode expected = JSON.readTree("""
                [
                  {"name": "mk_importer", "size": 16384, "refcnt": 0, "used_by": [], "state": "Live",
                   "address": "0xffffffffc0206000", "taints": "OE"},
                  {"name": "a_module_with_a_name_longer_than_19", "size": 1234567, "refcnt": 12, "used_by": [],
                   "state": "Loading", "address": "0xffffffffc0300000", "taints": ""},
                  {"name": "mk_exporter", "size": 16384, "refcnt": 1, "used_by": ["mk_importer"], "state": "Live",
                   "address": "0xffffffffc0201000", "taints": "OE"}
                ]""");
        assertEquals(expected, JSON.readTree(Lsmod.json(MODULES)));
        assertEquals(JSON.readTree("[]"), JSON.readTree(Lsmod.json(List.of())));
    }

    /**
     * Names come from the module's .gnu.linkonce.this_module and are not checked by the kernel for characters JSON
     * must escape. FAILS TODAY: Lsmod.json writes names unescaped (the output does not parse); the fix comes with
     * the JSON writer unification on branch h-cmd.
     */
    @Test
    void namesThatNeedEscapingStayValidJson() throws Exception {
        String name = "we\"ird\\mod";
        List<LoadedModule> odd = List.of(module(name, 8192, 1, List.of("user\"1"), ModuleState.LIVE, 0xffffffffc0001000L, ""));
        JsonNode n = JSON.readTree(Lsmod.json(odd));
        assertEquals(name, n.get(0).get("name").asText());
        assertEquals("user\"1", n.get(0).get("used_by").get(0).asText());
    }
}
