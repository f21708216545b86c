package modkit.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import modkit.elf.Invocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident server over a real Unix socket, with this test as its client (ServerProtocol's request; the C client
 * speaks the same): each command gets its client's arguments, environment, working directory and umask, and the
 * client gets its output, in order, and its exit code; the server goes away when told, when idle and when its
 * build changes.
 */
class CommandServerTest {
    @TempDir
    Path tmp;

    private CompletableFuture<Void> running;

    /** (not the common pool: on two cores it has one thread, which the server would keep) */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> Thread.ofPlatform().daemon().start(r);

    /** What a client saw: stdout and stderr bytes, in the order of their frames (tagged), and the exit code. */
    private record Reply(String out, String err, String interleaved, int exit, boolean refused) {}

    private Path start(CommandServer.Runner runner, List<Path> build, Duration idle) throws Exception {
        Path socket = tmp.resolve("s.sock");
        CommandServer server = new CommandServer(socket, build, idle, runner);
        running = CompletableFuture.runAsync(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, OWN_THREAD);
        // Until it answers, as the launcher waits (client --ping): the socket file appears at bind(2), before
        // listen(2), and a connection in between is refused.
        for (int i = 0; i < 200; i++) {
            try (SocketChannel ping = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ping.connect(UnixDomainSocketAddress.of(socket));
                return socket;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the server does not answer on " + socket);
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null && !running.isDone()) {
            send(tmp.resolve("s.sock"), List.of("server", "stop"), Map.of(), tmp, 022);
            running.get(10, TimeUnit.SECONDS);
        }
    }

    /** A connection to the server with a request sent on it, as the C client sends it. */
    private record Client(SocketChannel channel, DataInputStream in, OutputStream out) implements AutoCloseable {
        static Client request(Path socket, List<String> args, Map<String, String> env, Path cwd, int umask,
                java.nio.charset.Charset charset) throws IOException {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            ServerProtocol.write(out, new ServerProtocol.Request(args, env, cwd, umask, charset));
            return new Client(ch, new DataInputStream(Channels.newInputStream(ch)), out);
        }

        /** Waits for the server's "ready" (and says nothing yet). */
        void awaitReady() throws IOException {
            assertEquals(ServerProtocol.READY, in.read());
            assertEquals(0, in.readInt());
        }

        Reply reply() throws IOException {
            return read(in, out);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static Reply send(Path socket, List<String> args, Map<String, String> env, Path cwd, int umask)
            throws IOException {
        try (Client c = Client.request(socket, args, env, cwd, umask, StandardCharsets.UTF_8)) {
            return c.reply();
        }
    }

    /** Reads the reply, answering "ready" with "go" as the client does. */
    private static Reply read(DataInputStream in, OutputStream answer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringBuilder both = new StringBuilder();
        while (true) {
            int type = in.read();
            if (type < 0) {
                throw new IOException("the server closed the connection without an exit code");
            }
            byte[] payload = in.readNBytes(in.readInt());
            switch (type) {
                case ServerProtocol.STDOUT -> {
                    out.write(payload);
                    both.append("[out]").append(new String(payload, StandardCharsets.UTF_8));
                }
                case ServerProtocol.STDERR -> {
                    err.write(payload);
                    both.append("[err]").append(new String(payload, StandardCharsets.UTF_8));
                }
                case ServerProtocol.EXIT -> {
                    int code = ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                            | (payload[3] & 0xff);
                    return new Reply(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                            both.toString(), code, false);
                }
                case ServerProtocol.REFUSED -> {
                    return new Reply("", "", "", -1, true);
                }
                case ServerProtocol.READY -> answer.write(ServerProtocol.GO);
                default -> throw new IOException("unknown frame " + type);
            }
        }
    }

    @Test
    void aCommandRunsWithItsClientsArgumentsEnvironmentDirectoryAndUmask() throws Exception {
        Path clientDir = Files.createDirectory(tmp.resolve("client dir"));
        Files.writeString(clientDir.resolve("input.txt"), "read through a relative path\n");
        Path socket = start(args -> {
            System.out.println("args " + String.join("|", args));
            System.out.println("env " + Invocation.getenv("MK_TEST") + " " + Invocation.getenv("PATH_ONLY_HERE"));
            System.err.println("cwd " + Invocation.workingDirectory());
            try {
                // relative: opened by the system against the process's directory, which is the client's now
                System.out.print(Files.readString(Path.of("input.txt")));
                Files.writeString(Path.of("made.txt"), "x");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.out.println("absolute " + Invocation.absolute(Path.of("made.txt")));
            System.out.println("child " + Invocation.environment().get(Invocation.IN_SERVER));
            return 7;
        }, List.of(), Duration.ofMinutes(1));
        Reply r = send(socket, List.of("lsmod", "--root", "a b"), Map.of("MK_TEST", "from the client"), clientDir, 077);
        assertEquals(7, r.exit());
        assertEquals("args lsmod|--root|a b\nenv from the client null\nread through a relative path\n"
                + "absolute " + clientDir.resolve("made.txt") + "\nchild 1\n", r.out());
        assertEquals("cwd " + clientDir + "\n", r.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientDir.resolve("made.txt"))));
        // Between commands the process is itself again.
        assertEquals(null, Invocation.getenv("MK_TEST"));
        assertEquals(Path.of(System.getProperty("user.dir")).toRealPath(), Path.of("/proc/self/cwd").toRealPath());
    }

    @Test
    void stdoutAndStderrArriveInTheOrderWritten() throws Exception {
        Path socket = start(args -> {
            System.out.println("one");
            System.err.println("two");
            System.out.println("three");
            return 0;
        }, List.of(), Duration.ofMinutes(1));
        Reply r = send(socket, List.of("x"), Map.of(), tmp, 022);
        assertEquals("[out]one\n[err]two\n[out]three\n", r.interleaved());
    }

    @Test
    void aClientThatDoesNotReadHoldsUpOnlyItself() throws Exception {
        Path socket = start(args -> {
            if (args[0].equals("flood")) {
                byte[] line = "x".repeat(1023).concat("\n").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 16 * 1024; i++) { // 16 MB: far more than the socket holds
                    System.out.write(line, 0, line.length);
                }
            }
            System.out.println("done " + args[0]);
            return 0;
        }, List.of(), Duration.ofMinutes(1));
        try (Client slow = Client.request(socket, List.of("flood"), Map.of(), tmp, 022, StandardCharsets.UTF_8)) {
            slow.awaitReady();
            slow.out().write(ServerProtocol.GO);
            // (not reading) the next client is served all the same
            CompletableFuture<Reply> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return send(socket, List.of("quick"), Map.of(), tmp, 022);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, OWN_THREAD);
            assertEquals("done quick\n", next.get(20, TimeUnit.SECONDS).out());
            Reply flood = slow.reply();
            assertEquals(16 * 1024 * 1024 + "done flood\n".length(), flood.out().length());
        }
    }

    @Test
    void aCommandWhoseClientGaveUpWaitingIsNotRun() throws Exception {
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        Path socket = start(args -> {
            ran.add(args[0]);
            return 0;
        }, List.of(), Duration.ofMinutes(1));
        try (Client c = Client.request(socket, List.of("abandoned"), Map.of(), tmp, 022, StandardCharsets.UTF_8)) {
            c.awaitReady();
        } // (closed without "go": the client runs it in a JVM of its own)
        assertEquals(0, send(socket, List.of("next"), Map.of(), tmp, 022).exit());
        assertEquals(List.of("next"), ran);
    }

    @Test
    void aClientThatGoesAwayInterruptsItsCommand() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Path socket = start(args -> {
            if (args[0].equals("slow")) {
                try {
                    Thread.sleep(60_000);
                    outcome.complete("slept");
                } catch (InterruptedException e) {
                    outcome.complete("interrupted");
                    return 130;
                }
            }
            return 0;
        }, List.of(), Duration.ofMinutes(1));
        try (Client c = Client.request(socket, List.of("slow"), Map.of(), tmp, 022, StandardCharsets.UTF_8)) {
            c.awaitReady();
            c.out().write(ServerProtocol.GO);
            Thread.sleep(200);
        } // (Ctrl-C)
        assertEquals("interrupted", outcome.get(10, TimeUnit.SECONDS));
        // and the next command is not interrupted by what was left of it
        assertEquals(0, send(socket, List.of("next"), Map.of(), tmp, 022).exit());
    }

    @Test
    void outputIsInTheClientsCharacterSet() throws Exception {
        Path socket = start(args -> {
            System.out.println("caf\u00e9 " + args[0]);
            return 0;
        }, List.of(), Duration.ofMinutes(1));
        try (Client c = Client.request(socket, List.of("x"), Map.of(), tmp, 022, StandardCharsets.US_ASCII)) {
            assertEquals("caf? x\n", c.reply().out());
        }
        assertEquals("caf\u00e9 \u00fc\n", send(socket, List.of("\u00fc"), Map.of(), tmp, 022).out());
    }

    @Test
    void aSecondServerIsNotStartedInsideTheFirst() throws Exception {
        Path socket = start(args -> 0, List.of(), Duration.ofMinutes(1));
        Reply r = send(socket, List.of("server", "run", "--socket", "/tmp/x"), Map.of(), tmp, 022);
        assertEquals(1, r.exit());
        assertEquals("modkit server: already running; 'modkit server stop' first\n", r.err());
    }

    @Test
    void aFailingCommandIsReportedAndTheServerGoesOn() throws Exception {
        Path socket = start(args -> {
            if (args[0].equals("boom")) {
                throw new IllegalStateException("broken");
            }
            System.out.println("fine");
            return 0;
        }, List.of(), Duration.ofMinutes(1));
        Reply bad = send(socket, List.of("boom"), Map.of(), tmp, 022);
        assertEquals(CommandServer.INTERNAL_ERROR, bad.exit());
        assertTrue(bad.err().contains("internal error: java.lang.IllegalStateException: broken"), bad.err());
        assertEquals("fine\n", send(socket, List.of("ok"), Map.of(), tmp, 022).out());
    }

    @Test
    void aBadRequestGetsOneLineAndTheServerGoesOn() throws Exception {
        Path socket = start(args -> 0, List.of(), Duration.ofMinutes(1));
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Reply r = read(new DataInputStream(Channels.newInputStream(ch)), out);
            assertEquals(CommandServer.INTERNAL_ERROR, r.exit());
            assertEquals("modkit server: bad request: not a modkit request (starts with 47455420)\n", r.err());
        }
        assertEquals(0, send(socket, List.of("x"), Map.of(), tmp, 022).exit());
    }

    @Test
    void aWorkingDirectoryThatIsGoneIsTheClientsError() throws Exception {
        Path socket = start(args -> 0, List.of(), Duration.ofMinutes(1));
        Reply r = send(socket, List.of("lsmod"), Map.of(), tmp.resolve("removed"), 022);
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("modkit: cannot enter the working directory " + tmp.resolve("removed")), r.err());
    }

    @Test
    void stopAndStatusAreTheServersOwn() throws Exception {
        Path socket = start(args -> 0, List.of(), Duration.ofMinutes(1));
        send(socket, List.of("lsmod"), Map.of(), tmp, 022);
        Reply status = send(socket, List.of("server", "status"), Map.of(), tmp, 022);
        assertEquals(0, status.exit());
        assertTrue(status.out().matches("modkit server: running \\(pid \\d+, 1 commands served, up \\d+ s, .* resident\\), socket "
                + java.util.regex.Pattern.quote(socket.toString()) + "\n"), status.out());
        Reply stop = send(socket, List.of("server", "stop"), Map.of(), tmp, 022);
        assertTrue(stop.out().startsWith("modkit server: stopped (pid "), stop.out());
        running.get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(socket), "the socket file is left behind");
    }

    @Test
    void aRebuildMakesTheServerRefuseAndGoAway() throws Exception {
        Path jar = Files.writeString(tmp.resolve("modkit.jar"), "v1");
        Path socket = start(args -> 0, List.of(jar), Duration.ofMinutes(1));
        assertEquals(0, send(socket, List.of("lsmod"), Map.of(), tmp, 022).exit());
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 2000));
        assertTrue(send(socket, List.of("lsmod"), Map.of(), tmp, 022).refused());
        running.get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(socket));
    }

    @Test
    void anIdleServerGoesAway() throws Exception {
        Path socket = start(args -> 0, List.of(), Duration.ofSeconds(1));
        running.get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(socket));
    }
}
