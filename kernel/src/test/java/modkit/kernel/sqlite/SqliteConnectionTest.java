package modkit.kernel.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The foreign-function binding to the system's SQLite: values round-trip, and failures carry SQLite's reason. */
class SqliteConnectionTest {
    @TempDir
    Path dir;

    @Test
    void valuesRoundTripWithTheirTypes() throws Exception {
        try (SqliteConnection c = SqliteConnection.open(dir.resolve("t.db"))) {
            c.exec("CREATE TABLE t(i INTEGER, s TEXT, b BLOB)");
            byte[] blob = {0, 1, (byte) 0xff, 0, 42};
            try (SqliteStatement s = c.prepare("INSERT INTO t VALUES (?, ?, ?)")) {
                s.bind(1, 0xffffffffc0201000L);
                s.bind(2, "mk_params \u00e9\u4e2d");
                s.bind(3, blob);
                assertEquals(1, s.execute());
            }
            try (SqliteStatement s = c.prepare("INSERT INTO t VALUES (?, ?, ?)")) {
                s.bind(1, true);
                s.bind(2, null);
                s.bind(3, new byte[0]);
                s.execute();
            }
            try (SqliteStatement s = c.prepare("SELECT i, s, b, typeof(b) FROM t ORDER BY rowid")) {
                assertTrue(s.next());
                assertEquals(0xffffffffc0201000L, s.getLong(1));
                assertEquals("mk_params \u00e9\u4e2d", s.getString(2));
                assertArrayEquals(blob, s.getBytes(3));
                assertTrue(s.next());
                assertEquals(1, s.getInt(1));
                assertTrue(s.isNull(2));
                assertNull(s.getString(2));
                // an empty blob is a value, not NULL
                assertFalse(s.isNull(3));
                assertEquals("blob", s.getString(4));
                assertEquals(0, s.getBytes(3).length);
                assertFalse(s.next());
            }
        }
    }

    @Test
    void aFailureNamesSqlitesReason() throws Exception {
        try (SqliteConnection c = SqliteConnection.open(dir.resolve("t.db"))) {
            c.exec("CREATE TABLE t(name TEXT PRIMARY KEY)");
            c.exec("INSERT INTO t VALUES ('a')");
            SqliteException e = assertThrows(SqliteException.class, () -> c.exec("INSERT INTO t VALUES ('a')"));
            assertEquals("UNIQUE constraint failed: t.name (SQLITE_CONSTRAINT)", e.getMessage());
            SqliteException syntax = assertThrows(SqliteException.class, () -> c.prepare("SELEC 1"));
            assertTrue(syntax.getMessage().startsWith("near \"SELEC\": syntax error"), syntax.getMessage());
        }
    }

    @Test
    void aFileThatIsNoDatabaseIsRefusedWhenRead() throws Exception {
        Path junk = dir.resolve("junk.db");
        Files.write(junk, "this is not a SQLite file, but long enough to have a header....................".repeat(20).getBytes());
        try (SqliteConnection c = SqliteConnection.open(junk)) {
            SqliteException e = assertThrows(SqliteException.class, () -> c.prepare("SELECT * FROM sqlite_master"));
            assertTrue(e.getMessage().endsWith("(SQLITE_NOTADB)"), e.getMessage());
        }
    }
}
