package modkit.cli.server;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import modkit.command.Captured;
import modkit.elf.Invocation;

/**
 * The resident server: one JVM that stays up and runs modkit's commands for a small client
 * (cli/src/main/c/modkit-client.c), so that a command costs what its own work costs, 1-10 ms, and not a JVM's start
 * (80-110 ms before modkit's first line on a small machine). Started with {@code modkit server start}, gone after
 * {@code modkit server stop}, when idle for a while, or when the build it was started from changes.
 *
 * <p>Each command runs as if in a process of its own: with its client's arguments, environment ({@link Invocation}),
 * working directory (chdir) and umask, its stdout and stderr relayed to the client's as they are written, and its
 * exit code the client's. Commands run one at a time, in the order clients connect: the process's working
 * directory and standard streams are one. A command that the running one starts (a modprobe install command
 * calling modprobe) gets {@value Invocation#IN_SERVER} in its environment, and the launcher then runs it in a JVM of
 * its own instead of waiting here for the command that waits for it.
 *
 * <p>Only the user who started the server is served: the socket lives in a directory only that user can enter
 * (the client checks it), and each connection's peer is checked again here.
 */
public final class CommandServer {
    /** Runs one command line in this process and returns its exit code: {@code modkit.cli.Modkit::run}. */
    public interface Runner {
        int run(String[] args);
    }

    /** How long a client may take to send its request (it sends it at once; one that does not holds up the rest). */
    private static final Duration REQUEST_TIME = Duration.ofSeconds(10);

    /** Exit code for a command that failed inside the server (sysexits' EX_SOFTWARE). */
    static final int INTERNAL_ERROR = 70;

    /**
     * A heap grown past this by a command (depmod over a whole tree) is collected and given back afterwards: the
     * launcher starts the server with a 16 MB heap, which the short commands stay within.
     */
    private static final long KEEP_HEAP = 32L << 20;

    private final Path socket;
    private final Map<Path, FileTime> build;
    private final Duration idle;
    private final Runner runner;
    private final UserPrincipal self;
    private final long started = System.nanoTime();
    /** The directory the server was started in (the launcher starts it in /), entered again after each command. */
    private final String home = System.getProperty("user.dir");

    private ServerSocketChannel channel;
    /** The connection whose request is being read, and since when (a client must send it within REQUEST_TIME). */
    private volatile Connection reading;
    private volatile long readingSince;
    private volatile long lastActive = System.nanoTime();
    /** Connections whose replies may still be being written (to a slow reader: the server is not idle then). */
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean busy;
    private volatile boolean stopping;
    private long served;

    /**
     * @param socket where to listen
     * @param build the jars the server runs from: when one changes (a rebuild) the server refuses new commands and
     *     goes away, and they run in a JVM of their own, with the new build
     * @param idle how long to wait for a command before going away
     */
    public CommandServer(Path socket, List<Path> build, Duration idle, Runner runner) throws IOException {
        this.socket = socket;
        this.build = new LinkedHashMap<>();
        for (Path jar : build) {
            this.build.put(jar, Files.getLastModifiedTime(jar));
        }
        this.idle = idle;
        this.runner = runner;
        this.self = Files.getOwner(Path.of("/proc/self")); // (compared by uid: a uid without a name works too)
    }

    /** Listens until stopped, idle, or out of date. */
    public void serve() throws IOException {
        channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // A socket file left by a server that was killed: nothing answers on it, or the launcher would not be here.
        Files.deleteIfExists(socket);
        channel.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Object mine = Files.readAttributes(socket, BasicFileAttributes.class).fileKey();
        Thread watchdog = Thread.ofPlatform().daemon().name("modkit-server-idle").start(this::watch);
        try {
            while (!stopping) {
                SocketChannel client;
                try {
                    client = channel.accept();
                } catch (ClosedChannelException e) {
                    break; // idle: the watchdog closed it
                }
                busy = true;
                Connection c = new Connection(client);
                open.add(c);
                try {
                    serveOne(c);
                } catch (IOException e) {
                    c.abort(); // a request that did not arrive whole (its client gone, or too slow to send it)
                } finally {
                    lastActive = System.nanoTime();
                    busy = false;
                }
                open.removeIf(o -> !o.writing());
            }
        } finally {
            stopping = true;
            watchdog.interrupt();
            channel.close();
            removeSocket(mine);
            // What is still being written (the reply to "server stop", say) goes out before the JVM ends.
            for (Connection c : open) {
                try {
                    c.await(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Removes the socket file if it is still this server's (a server started after this one went out of date binds anew). */
    private void removeSocket(Object mine) {
        try {
            if (mine != null && mine.equals(Files.readAttributes(socket, BasicFileAttributes.class).fileKey())) {
                Files.delete(socket);
            }
        } catch (IOException e) {
            // gone already
        }
    }

    /** Closes the server when idle, and a connection whose request does not arrive in time. */
    private void watch() {
        try {
            while (!stopping) {
                Thread.sleep(250);
                Connection c = reading;
                if (c != null && System.nanoTime() - readingSince > REQUEST_TIME.toNanos()) {
                    c.abort();
                }
                if (!busy && System.nanoTime() - lastActive > idle.toNanos() && open.stream().noneMatch(Connection::writing)) {
                    stopping = true;
                    channel.close();
                }
            }
        } catch (InterruptedException | IOException e) {
            // stopping
        }
    }

    private void serveOne(Connection client) throws IOException {
        if (!client.peer().user().equals(self)) {
            client.close(); // (not reachable through the client's private directory; refused all the same)
            return;
        }
        InputStream in = client.input();
        ServerProtocol.Request request;
        readingSince = System.nanoTime();
        reading = client;
        try {
            request = ServerProtocol.read(in);
        } catch (ServerProtocol.BadRequest e) {
            byte[] message = ("modkit server: bad request: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            client.send(ServerProtocol.STDERR, message, 0, message.length);
            client.finish(INTERNAL_ERROR);
            return;
        } finally {
            reading = null;
        }
        if (request == null) {
            client.close(); // a client that only checked that the server answers
            return;
        }
        if (outOfDate()) {
            stopping = true;
            client.refuse();
            return;
        }
        List<String> args = request.args();
        if (args.size() >= 2 && args.get(0).equals("server")) {
            serverCommand(client, args.get(1), request.charset());
            return;
        }
        // The client may have given up waiting (another client's command ran long) and run the command itself:
        // it is run here only on its word.
        client.send(ServerProtocol.READY, new byte[0], 0, 0);
        readingSince = System.nanoTime();
        reading = client;
        try {
            if (in.read() != ServerProtocol.GO) {
                client.close();
                return;
            }
        } finally {
            reading = null;
        }
        served++;
        client.finish(run(request, client, in));
    }

    /** {@code modkit server status|stop}, answered here; {@code run} and {@code start} make no sense inside. */
    private void serverCommand(Connection client, String action, Charset charset) {
        String text = switch (action) {
            case "stop" -> "modkit server: stopped (pid %d, %d commands served)%n";
            case "status" -> "modkit server: running (pid %d, %d commands served, up %d s, %s resident), socket " + socket + "%n";
            default -> null;
        };
        if (text == null) {
            byte[] line = ("modkit server: already running; 'modkit server stop' first\n").getBytes(charset);
            client.send(ServerProtocol.STDERR, line, 0, line.length);
            client.finish(1);
            return;
        }
        byte[] line = String.format(text, ProcessHandle.current().pid(), served,
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), resident()).getBytes(charset);
        client.send(ServerProtocol.STDOUT, line, 0, line.length);
        client.finish(0);
        stopping |= action.equals("stop");
    }

    /**
     * Runs the command with its client's settings; its output goes to the client as frames. If the client goes
     * away meanwhile (Ctrl-C), the command is interrupted, as a JVM of its own would have been stopped: blocking
     * waits (a lock, a child process, a delay) end, and the command's own error handling runs.
     */
    private int run(ServerProtocol.Request request, Connection client, InputStream in) {
        Charset charset = request.charset();
        PrintStream stdout = new PrintStream(new BufferedOutputStream(new FrameStream(client, ServerProtocol.STDOUT), 8192),
                true, charset);
        PrintStream stderr = new PrintStream(new BufferedOutputStream(new FrameStream(client, ServerProtocol.STDERR), 8192),
                true, charset);
        if (!Posix.chdir(request.workingDirectory().toString(), StandardCharsets.UTF_8)) {
            stderr.println("modkit: cannot enter the working directory " + request.workingDirectory()
                    + " (removed?): run the command from another directory");
            stderr.flush();
            return 1;
        }
        int umask = Posix.umask(request.umask());
        Invocation.set(new Invocation(request.environment(), request.workingDirectory()));
        HangUp hangUp = new HangUp(in, Thread.currentThread());
        int exit;
        try {
            exit = Captured.redirected(stdout, stderr, () -> runner.run(request.args().toArray(new String[0])));
        } catch (Exception | StackOverflowError e) {
            stderr.println("modkit: internal error: " + e);
            stderr.flush();
            exit = INTERNAL_ERROR;
        } catch (Error e) { // (out of memory, say: what the server holds may be damaged)
            stopping = true;
            stderr.println("modkit: internal error: " + e + " (the server stops)");
            stderr.flush();
            exit = INTERNAL_ERROR;
        } finally {
            hangUp.commandDone();
            Invocation.set(null);
            Posix.umask(umask);
            Posix.chdir(home, StandardCharsets.UTF_8); // (not to keep a client's directory busy while idle)
        }
        Runtime rt = Runtime.getRuntime();
        if (rt.totalMemory() > KEEP_HEAP) {
            System.gc();
        }
        return exit;
    }

    /** Waits for the client to go away while its command runs, and then interrupts the command. */
    private static final class HangUp {
        private final Thread command;
        private boolean running = true;

        HangUp(InputStream in, Thread command) {
            this.command = command;
            Thread.ofVirtual().name("modkit-server-hangup").start(() -> {
                try {
                    in.read(); // the client sends nothing more: this returns when it is gone (or the connection closes)
                } catch (IOException e) {
                    // gone, or closed after the reply
                }
                synchronized (this) {
                    if (running) {
                        command.interrupt();
                    }
                }
            });
        }

        /** The command is over: a hang-up from now on interrupts nothing, and one that came is forgotten. */
        void commandDone() {
            synchronized (this) {
                running = false;
            }
            Thread.interrupted();
        }
    }

    private boolean outOfDate() {
        for (Map.Entry<Path, FileTime> jar : build.entrySet()) {
            try {
                if (!Files.getLastModifiedTime(jar.getKey()).equals(jar.getValue())) {
                    return true;
                }
            } catch (IOException e) { // (removed: a build under way)
                return true;
            }
        }
        return false;
    }

    /** This process's resident memory as the kernel counts it ("75.3 MiB"), or "?" where /proc cannot say. */
    private static String resident() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kib = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                    return String.format("%.1f MiB", kib / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // (not Linux)
        }
        return "?";
    }

    /** The jars on this JVM's class path (the launcher's lib/* is already expanded into them). */
    public static List<Path> classPathJars() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }

    /** A command's stdout or stderr as frames of one type. */
    private static final class FrameStream extends OutputStream {
        private final Connection client;
        private final int type;

        FrameStream(Connection client, int type) {
            this.client = client;
            this.type = type;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > 0) {
                client.send(type, b, off, len);
            }
        }
    }
}
