package modkit.modprobe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import modkit.command.Json;

/**
 * {@code modprobe --show-depends --json}: the same actions as the text, as one JSON object. The shape is a
 * public interface:
 * <pre>
 * {"query": "snd_aloop", "actions": [
 *   {"action": "insmod", "module": "soundcore", "role": "dep", "path": "/lib/modules/...", "options": ""},
 *   {"action": "builtin", "module": "mpls_gso", "role": "post"},
 *   {"action": "install", "module": "x", "role": "target", "command": "...", "options": ""}
 * ]}
 * </pre>
 * role: "target" (the module asked for), "dep" (from modules.dep), "pre" / "post" (softdeps).
 */
public final class ActionsJson {
    private ActionsJson() {}

    public static String of(String query, List<Action> actions) {
        List<Object> rows = new ArrayList<>();
        for (Action a : actions) {
            Map<String, Object> row = Json.object("action", a.kind(), "module", a.module());
            putIfSet(row, "role", a.role());
            putIfSet(row, "path", a.path());
            putIfSet(row, "command", a.command());
            putIfSet(row, "options", a.options());
            rows.add(Json.inline(row));
        }
        return Json.write(Json.inline(Json.object("query", query, "actions", rows)));
    }

    /** A field an action does not have is left out, not written as null. */
    private static void putIfSet(Map<String, Object> row, String name, String value) {
        if (value != null) {
            row.put(name, value);
        }
    }
}
