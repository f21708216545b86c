package modkit.cli.server;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the resident server and its client (cli/src/main/c/modkit-client.c) say to each other over a Unix socket;
 * every integer is 32-bit big-endian, every string its length and its bytes.
 *
 * <pre>
 * request:  "MKS2"  charset  argc  arg...  envc  "NAME=VALUE"...  cwd  umask
 * reply:    frame...   a frame is: type (1 byte)  length  bytes
 *           1 stdout bytes, 2 stderr bytes, 3 the exit code (4 bytes, last), 4 refused (the client runs the JVM),
 *           5 ready: the client answers with the byte 'g' to have the command run, or closes to run it itself
 * </pre>
 *
 * The charset is the client's (nl_langinfo(CODESET)): its strings are read in it and the command's output is
 * written in it, as a JVM started in the client's locale would.
 */
public final class ServerProtocol {
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int EXIT = 3;
    public static final int REFUSED = 4;
    public static final int READY = 5;
    /** The client's answer to {@link #READY}. */
    public static final int GO = 'g';

    private static final int MAGIC = 0x4d4b5332; // "MKS2"
    /** Bounds on what a request may hold: a client is trusted, but a damaged request must not take the heap. */
    private static final int MAX_STRING = 1 << 20;
    private static final int MAX_ITEMS = 1 << 16;

    private ServerProtocol() {}

    /**
     * One command to run: its arguments (as after "modkit"), its environment, the absolute directory it was
     * started in, its umask, and the character set of its locale.
     */
    public record Request(List<String> args, Map<String, String> environment, Path workingDirectory, int umask,
            Charset charset) {}

    /** A request that does not follow the protocol; the message says where. */
    public static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** Reads one request; null if the stream ends before one starts (a client that only checked the socket). */
    public static Request read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (magic != MAGIC) {
            throw new BadRequest(String.format("not a modkit request (starts with %08x)", magic));
        }
        try {
            String charsetName = string(in, StandardCharsets.US_ASCII, "character set");
            Charset charset;
            try {
                charset = Charset.forName(charsetName);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("unknown character set: " + charsetName);
            }
            int argc = count(in, "arguments");
            List<String> args = new ArrayList<>(argc);
            for (int i = 0; i < argc; i++) {
                args.add(string(in, charset, "argument " + (i + 1)));
            }
            int envc = count(in, "environment entries");
            Map<String, String> env = new HashMap<>(envc * 2);
            for (int i = 0; i < envc; i++) {
                String entry = string(in, charset, "environment entry " + (i + 1));
                int eq = entry.indexOf('=');
                if (eq > 0) { // (as the JDK reads its own environment: an entry without a name is skipped)
                    env.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            String cwd = string(in, charset, "working directory");
            Path dir;
            try {
                dir = Path.of(cwd);
            } catch (InvalidPathException e) {
                throw new BadRequest("working directory is not a path: " + e.getMessage());
            }
            if (!dir.isAbsolute()) {
                throw new BadRequest("working directory is not absolute: " + cwd);
            }
            int umask = in.readInt();
            if ((umask & ~0777) != 0) {
                throw new BadRequest(String.format("umask out of range: %o", umask));
            }
            return new Request(List.copyOf(args), env, dir, umask, charset);
        } catch (EOFException e) {
            throw new BadRequest("request cut short");
        }
    }

    private static int count(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new BadRequest("too many " + what + ": " + Integer.toUnsignedString(n));
        }
        return n;
    }

    private static String string(DataInputStream in, Charset charset, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING) {
            throw new BadRequest(what + " too long: " + Integer.toUnsignedString(n) + " bytes");
        }
        return new String(in.readNBytes(n), charset);
    }

    /** Writes the request a client sends (the tests' client; the real one is in C). */
    public static void write(OutputStream out, Request r) throws IOException {
        Charset charset = r.charset();
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        writeString(d, charset.name(), StandardCharsets.US_ASCII);
        d.writeInt(r.args().size());
        for (String a : r.args()) {
            writeString(d, a, charset);
        }
        d.writeInt(r.environment().size());
        for (Map.Entry<String, String> e : r.environment().entrySet()) {
            writeString(d, e.getKey() + "=" + e.getValue(), charset);
        }
        writeString(d, r.workingDirectory().toString(), charset);
        d.writeInt(r.umask());
        d.flush();
    }

    private static void writeString(DataOutputStream d, String s, Charset charset) throws IOException {
        byte[] b = s.getBytes(charset);
        d.writeInt(b.length);
        d.write(b);
    }

    /** One frame's bytes. */
    public static byte[] frame(int type, byte[] bytes, int offset, int length) {
        byte[] f = new byte[5 + length];
        f[0] = (byte) type;
        f[1] = (byte) (length >>> 24);
        f[2] = (byte) (length >>> 16);
        f[3] = (byte) (length >>> 8);
        f[4] = (byte) length;
        System.arraycopy(bytes, offset, f, 5, length);
        return f;
    }

    /** The last frame: the exit code. */
    public static byte[] exit(int code) {
        return frame(EXIT, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code}, 0, 4);
    }
}
