package modkit.testdata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The simulated kernel's state under a root, every row of every table as text, for tests that check a failed
 * command changed nothing: except the kernel's taint, which a load failing after the licence and signature checks
 * leaves behind, as the real kernel's taint is never cleared.
 */
final class KernelState {
    private KernelState() {}

    /** Every table's rows in rowid order, the kernel's taint column left out. */
    static String withoutTaint(Path root) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("kernel.db"));
                Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                out.append("# ").append(t).append('\n');
                try (ResultSet r = s.executeQuery("SELECT * FROM " + t + " ORDER BY rowid")) {
                    int n = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        for (int i = 1; i <= n; i++) {
                            if (t.equals("kernel") && r.getMetaData().getColumnName(i).equals("taints")) {
                                continue;
                            }
                            Object v = r.getObject(i);
                            out.append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v)).append('|');
                        }
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** The kernel's taint letters. */
    static String taints(Path root) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("kernel.db"));
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT taints FROM kernel")) {
            return r.next() ? r.getString(1) : "";
        }
    }
}
