package modkit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import modkit.cli.server.CommandServer;
import modkit.command.CommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modkit server start|stop|status}: the resident server ({@link CommandServer}). bin/modkit starts it
 * ({@code start}: the JVM in the background, then it waits until the server answers) and sends every command to it
 * while it runs; {@code stop} and {@code status} are answered by the server itself, so reaching them here means no
 * server runs. {@code run} is the server's own JVM.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Keep one JVM running to answer modkit's commands in milliseconds instead of starting one for each.",
            "start: start it (for this checkout and user; every command goes to it while it runs, except bench, and"
                    + " except when MODKIT_SERVER=0 or MODKIT_JAVA_OPTS is set). stop: stop it. status: say whether it"
                    + " runs (exit 3 if not). It goes away by itself when idle for --idle seconds or when modkit is"
                    + " rebuilt. Needs cli/target/modkit-client, which the build makes when a C compiler is there."})
public final class ServerCommand implements Callable<Integer> {
    /** What status and stop say when no server answered the client (in time: it waits 2 s for a busy one). */
    static final String NONE = "modkit server: not running (or busy with a long command for more than 2 s)";

    /** systemctl's and LSB's code for "not running". */
    static final int NOT_RUNNING = 3;

    @Parameters(paramLabel = "ACTION", description = "start, stop, status")
    String action;

    @Option(names = "--idle", paramLabel = "SECONDS", description = "With start: stop after this long without a command (default: ${DEFAULT-VALUE})")
    long idleSeconds = 900;

    @Option(names = "--socket", paramLabel = "PATH", hidden = true, description = "With run: where to listen")
    Path socket;

    @Override
    public Integer call() throws IOException {
        switch (action) {
            case "run" -> {
                if (socket == null) {
                    System.err.println("modkit server run: --socket is required (use 'modkit server start')");
                    return CommandRunner.USAGE;
                }
                new CommandServer(socket, CommandServer.classPathJars(), Duration.ofSeconds(idleSeconds), Modkit::run)
                        .serve();
                return 0;
            }
            case "status" -> {
                System.out.println(NONE);
                return NOT_RUNNING;
            }
            case "stop" -> {
                System.out.println(NONE);
                return 0;
            }
            case "start" -> {
                System.err.println("modkit server: cli/target/modkit-client is missing: the build makes it when a C"
                        + " compiler is there (apt-get install gcc, then mvn -q package -DskipTests)");
                return 1;
            }
            default -> {
                System.err.println("modkit server: unknown action '" + action + "': use start, stop or status");
                return CommandRunner.USAGE;
            }
        }
    }
}
