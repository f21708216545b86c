package modkit.command;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import modkit.elf.Invocation;
import modkit.elf.ModkitException;

/**
 * {@code -s/--syslog} of insmod and rmmod (kmod's and modutils' meaning): the command's messages go to the system
 * log instead of the terminal. Each line is one datagram to the syslog socket ({@code /dev/log}, an AF_UNIX
 * datagram socket), in the RFC 3164 form glibc's {@code syslog()} sends: {@code <PRI>Mmm dd hh:mm:ss ident: text}.
 * kmod opens the log with facility LOG_DAEMON and logs errors at LOG_ERR, so the priority is 3*8+3 = 27.
 * Without a syslog socket the lines go to stderr, as glibc's {@code syslog} does with LOG_CONS.
 *
 * <p>The socket path is {@code /dev/log} unless the system property {@code modkit.syslog} or the environment
 * variable {@code MODKIT_SYSLOG} names another (tests bind their own socket).
 */
public final class Syslog {
    /** LOG_DAEMON (3 << 3) | LOG_ERR (3). */
    static final int PRIORITY = 27;
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    /** sizeof(struct sockaddr_un): sa_family_t then char sun_path[108]. */
    private static final int SOCKADDR_UN = 110;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final String ident;
    private final String path;

    private Syslog(String ident, String path) {
        this.ident = ident;
        this.path = path;
    }

    /** The log for command {@code ident} ("insmod"), at the configured socket path. */
    public static Syslog open(String ident) {
        String p = System.getProperty("modkit.syslog");
        if (p == null || p.isEmpty()) {
            p = Invocation.getenv("MODKIT_SYSLOG");
        }
        return new Syslog(ident, p == null || p.isEmpty() ? "/dev/log" : p);
    }

    /** Sends one message; false if there is no syslog socket to send it to. */
    public boolean send(String message) {
        byte[] line = (STAMP.format(LocalDateTime.now()) + " " + ident + ": " + message).getBytes(StandardCharsets.UTF_8);
        byte[] datagram = ("<" + PRIORITY + ">").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[datagram.length + line.length];
        System.arraycopy(datagram, 0, all, 0, datagram.length);
        System.arraycopy(line, 0, all, datagram.length, line.length);
        return Native.sendTo(path, all);
    }

    /** Logs {@code message}, or prints it on stderr (as LOG_CONS) if no syslog socket is there. */
    public void log(String message, PrintStream fallback) {
        if (!send(message)) {
            fallback.println(ident + ": " + message);
            fallback.flush();
        }
    }

    /**
     * Runs a command body with everything it prints on stdout and stderr, and the error report of
     * {@link CommandRunner}, sent to the log line by line; returns its exit code.
     */
    public int run(Callable<Integer> body) {
        PrintStream err = System.err; // where a line goes when there is no syslog to take it
        java.io.StringWriter report = new java.io.StringWriter();
        Captured captured = Captured.of(StandardCharsets.UTF_8, true,
                () -> CommandRunner.runPlain(ident, false, new java.io.PrintWriter(report, true), body));
        int exit = captured.exit();
        String text = captured.outText(StandardCharsets.UTF_8) + report;
        for (String l : text.lines().toList()) {
            // CommandRunner prefixes its lines with the tool's name; the log line already has it.
            String m = l.startsWith(ident + ": ") ? l.substring(ident.length() + 2) : l.strip();
            if (!m.isEmpty()) {
                log(m, err);
            }
        }
        return exit;
    }

    /** socket(2) and sendto(2) through the JDK's foreign function API. */
    private static final class Native {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle SENDTO = handle("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

        private static MethodHandle handle(String name, FunctionDescriptor fd) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
        }

        static boolean sendTo(String path, byte[] datagram) {
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            if (p.length >= SOCKADDR_UN - 2) {
                throw new ModkitException(path + ": syslog socket path too long for a unix socket address (107 bytes at most)");
            }
            try (Arena arena = Arena.ofConfined()) {
                int fd = (int) SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0) {
                    return false;
                }
                try {
                    MemorySegment addr = arena.allocate(SOCKADDR_UN);
                    addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
                    MemorySegment.copy(p, 0, addr, java.lang.foreign.ValueLayout.JAVA_BYTE, 2, p.length);
                    MemorySegment buf = arena.allocate(Math.max(1, datagram.length));
                    MemorySegment.copy(datagram, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, datagram.length);
                    long sent = (long) SENDTO.invokeExact(fd, buf, (long) datagram.length, 0, addr, SOCKADDR_UN);
                    return sent == datagram.length;
                } finally {
                    int ignored = (int) CLOSE.invokeExact(fd);
                }
            } catch (ModkitException e) {
                throw e;
            } catch (Throwable t) {
                return false; // no libc socket calls here: there is no log to reach
            }
        }
    }
}
