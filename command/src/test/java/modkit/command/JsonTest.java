package modkit.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON writer: string escaping as RFC 8259 section 7 states it (quotation mark, reverse solidus and U+0000 to
 * U+001F must be escaped; any other character may stand for itself), and the layout the commands' outputs share.
 */
class JsonTest {
    @Test
    void escapesQuoteBackslashAndControlCharacters() {
        assertEquals("\"we\\\"ird\\\\name\"\n", Json.write("we\"ird\\name"));
        assertEquals("\"a\\nb\\tc\\rd\"\n", Json.write("a\nb\tc\rd"));
        assertEquals("\"\\u0000\\u0001\\u0008\\u000c\\u001b\\u001f\"\n", Json.write("\u0000\u0001\b\f\u001b\u001f"));
    }

    @Test
    void leavesEverythingElseAsItIs() {
        // Space, DEL, solidus, non-ASCII and a character outside the BMP (a surrogate pair) need no escape.
        assertEquals("\" \u007f/é€\uD83D\uDE00\"\n", Json.write(" \u007f/é€\uD83D\uDE00"));
    }

    @Test
    void escapesALoneSurrogateSinceUtf8CannotCarryIt() {
        assertEquals("\"a\\ud800b\"\n", Json.write("a\uD800b"));
        assertEquals("\"\\udc00\"\n", Json.write("\uDC00"));
        assertEquals("\"\\ud83d\"\n", Json.write("\uD83D")); // a high surrogate at the end
    }

    @Test
    void noCharacterLeavesARawControlCharacterQuoteOrBackslash() {
        for (int c = 0; c <= 0xFFFF; c++) {
            String out = Json.write(String.valueOf((char) c));
            String body = out.substring(1, out.length() - 2); // between the quotes, before the newline
            for (int i = 0; i < body.length(); i++) {
                char x = body.charAt(i);
                if (x == '\\') {
                    i++; // an escape: its next character is part of it
                    continue;
                }
                int code = c;
                assertTrue(x >= 0x20 && x != '"' && !Character.isSurrogate(x), () -> "U+" + Integer.toHexString(code) + " written as " + body);
            }
        }
    }

    @Test
    void keysAreEscapedToo() {
        assertEquals("{\n  \"a\\\"b\": 1\n}\n", Json.write(Map.of("a\"b", 1)));
    }

    @Test
    void objectsTakeOneMemberALineAndListsOfPlainValuesOneLine() {
        Map<String, Object> inner = Json.object("x", 1, "ok", true, "none", null);
        Map<String, Object> top = Json.object("name", "loop", "tags", List.of("a", 2), "inner", inner,
                "empty", List.of(), "nothing", Map.of());
        assertEquals("""
                {
                  "name": "loop",
                  "tags": ["a", 2],
                  "inner": {
                    "x": 1,
                    "ok": true,
                    "none": null
                  },
                  "empty": [],
                  "nothing": {}
                }
                """, Json.write(top));
    }

    @Test
    void listsOfObjectsTakeOneElementALine() {
        List<Object> l = List.of(Json.object("a", 1), Json.object("b", List.of(Json.object("c", "d"))));
        assertEquals("""
                [
                  {
                    "a": 1
                  },
                  {
                    "b": [
                      {
                        "c": "d"
                      }
                    ]
                  }
                ]
                """, Json.write(l));
        // A list holding a boolean or null is not a list of plain values: one element a line.
        assertEquals("[\n  true,\n  null\n]\n", Json.write(new ArrayList<>(java.util.Arrays.asList(true, null))));
    }

    @Test
    void inlineObjectsStayOnOneLineInsideAnIndentedList() {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("module", "m");
        top.put("rows", List.of(Json.inline(Json.object("name", "a\"", "used_by", List.of("x", "y"))),
                Json.inline(Json.object("name", "b", "used_by", List.of()))));
        assertEquals("""
                {
                  "module": "m",
                  "rows": [
                    {"name": "a\\"", "used_by": ["x", "y"]},
                    {"name": "b", "used_by": []}
                  ]
                }
                """, Json.write(top));
    }

    @Test
    void aListOfObjectsInsideAnInlineObjectBreaksAtTheInlineObjectsIndentation() {
        Map<String, Object> top = Json.object("query", "q", "actions",
                List.of(Json.inline(Json.object("action", "insmod")), Json.inline(Json.object("action", "builtin"))));
        assertEquals("{\"query\": \"q\", \"actions\": [\n  {\"action\": \"insmod\"},\n  {\"action\": \"builtin\"}\n]}\n",
                Json.write(Json.inline(top)));
        assertEquals("{\"query\": \"q\", \"actions\": []}\n", Json.write(Json.inline(Json.object("query", "q", "actions", List.of()))));
    }

    @Test
    void numbersAsJavaWritesThemAndNoNaN() {
        assertEquals("[-42, 18446744073709551615, 0.5]\n",
                Json.write(List.of(-42, new java.math.BigInteger("18446744073709551615"), 0.5)));
        assertEquals("{\n  \"a\": null,\n  \"b\": null\n}\n", Json.write(Json.object("a", Double.NaN, "b", Float.POSITIVE_INFINITY)));
    }

    @Test
    void otherValuesAreWrittenAsTheirStrings() {
        assertEquals("\"T\"\n", Json.write('T'));
        assertEquals("\"/tmp/x\\\"y\"\n", Json.write(java.nio.file.Path.of("/tmp/x\"y")));
    }

    @Test
    void objectTakesPairs() {
        assertThrows(IllegalArgumentException.class, () -> Json.object("a", 1, "b"));
    }

    @Test
    void hexIsTheUnsigned64BitAddress() {
        assertEquals("0xffffffffc0201000", Json.hex(0xffffffffc0201000L));
        assertEquals("0x0", Json.hex(0));
    }
}
