package modkit.modprobe;

import java.util.List;
import modkit.command.Json;

/**
 * {@code modprobe --show-depends --json}: the same actions as the text, as one JSON object. The shape is a
 * public interface:
 * <pre>
 * {"query": "snd_aloop", "actions": [
 *   {"action": "insmod", "module": "soundcore", "role": "dep", "path": "/lib/modules/...", "options": ""},
 *   {"action": "builtin", "module": "mpls_gso", "role": "post"},
 *   {"action": "install", "module": "x", "role": "target", "command": "...", "options": ""}]}
 * </pre>
 * role: "target" (the module asked for), "dep" (from modules.dep), "pre" / "post" (softdeps).
 */
public final class ActionsJson {
    private ActionsJson() {}

    public static String of(String query, List<Action> actions) {
        StringBuilder b = new StringBuilder("{\"query\": ").append(str(query)).append(", \"actions\": [");
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            b.append(i == 0 ? "\n  " : ",\n  ").append("{\"action\": ").append(str(a.kind()))
                    .append(", \"module\": ").append(str(a.module()));
            field(b, "role", a.role());
            field(b, "path", a.path());
            field(b, "command", a.command());
            field(b, "options", a.options());
            b.append('}');
        }
        return b.append(actions.isEmpty() ? "]}\n" : "\n]}\n").toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append(", ").append(str(name)).append(": ").append(str(value));
        }
    }

    static String str(String s) {
        return Json.string(s);
    }
}
