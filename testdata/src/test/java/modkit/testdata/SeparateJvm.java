package modkit.testdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a class of this test classpath in a new JVM: a second "process" on the same simulated kernel. */
final class SeparateJvm {
    private SeparateJvm() {}

    /** Starts {@code modkit.cli.Modkit ARGS}, stdout and stderr to {@code out}. */
    static Process start(List<String> modkitArgs, Path out) throws IOException {
        return startMain("modkit.cli.Modkit", modkitArgs, out);
    }

    static Process startMain(String mainClass, List<String> args, Path out) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }
}
