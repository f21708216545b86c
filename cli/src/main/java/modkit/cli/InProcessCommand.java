package modkit.cli;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import modkit.command.Captured;
import modkit.command.CommandRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modkit in-process [--runs N] -- COMMAND ARGS...}: runs one command line N times in this JVM, its output thrown
 * away, and prints how long the first call took and the median of the second half of the calls. The difference
 * between a command's whole-process time and its warm call here is what starting a JVM and warming it costs that
 * command, which is what a resident JVM (a server answering a small client) would save: scripts/bench-startup.sh
 * prints it beside the whole-process figures. The command must leave the state as it found it (lsmod, modinfo,
 * modprobe --show-depends, depmod), or each call after the first sees another state.
 */
@Command(name = "in-process", hidden = true,
        description = "Run a command line repeatedly in this JVM and print its first and warm call times (benchmarks).")
public final class InProcessCommand implements Callable<Integer> {
    @Option(names = "--runs", description = "Calls in all; the median is over the second half (default: 200)")
    int runs = 200;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command line, as after 'modkit', after '--' if it has options")
    List<String> command;

    @Override
    public Integer call() {
        if (runs < 2) {
            System.err.println("modkit in-process: --runs must be at least 2");
            return CommandRunner.USAGE;
        }
        String[] args = command.toArray(new String[0]);
        long[] nanos = new long[runs];
        int firstExit = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            int exit = Captured.of(StandardCharsets.UTF_8, true, () -> Modkit.run(args)).exit();
            nanos[i] = System.nanoTime() - start;
            if (i == 0) {
                firstExit = exit;
            } else if (exit != firstExit) {
                // The command changed what it runs on (insmod twice, say): its later calls measure something else.
                System.err.printf("modkit in-process: call %d exited %d, the first %d: the command must not change its"
                        + " own state%n", i + 1, exit, firstExit);
                return 1;
            }
        }
        long[] warm = Arrays.copyOfRange(nanos, runs / 2, runs);
        Arrays.sort(warm);
        System.out.printf("first %.2f ms  warm %.3f ms  exit %d%n", nanos[0] / 1e6, warm[warm.length / 2] / 1e6,
                firstExit);
        return 0;
    }
}
