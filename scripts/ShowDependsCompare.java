import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import modkit.cli.Modkit;

/**
 * Compares {@code modprobe -d ROOT -S VERSION --show-depends NAME} of kmod and of modkit for every name of a
 * list: stdout, stderr and the exit code, byte for byte. kmod runs as a process per name; ours runs in this JVM
 * (a JVM start per name would take an hour for three trees), through the same entry point as the launcher.
 *
 *   java -cp cli/target/modkit.jar:cli/target/lib/* scripts/ShowDependsCompare.java KMOD ROOT VERSION NAMES DIFFS STATE
 *
 * KMOD is kmod's modprobe; NAMES a file of names, one a line; DIFFS gets every name whose results differ, with
 * both results; STATE is an empty directory for the simulated kernel (--show-depends changes nothing in it).
 * Prints one line: names compared, identical, different. Exit 0 when all are identical, 1 otherwise. An
 * optional 7th argument, a regular expression, adds a second count: the names that are identical once the stderr
 * lines it matches are dropped from both sides (to see what else differs beside a difference known already).
 */
public final class ShowDependsCompare {
    record Run(String out, String err, int exit) {
        Run without(java.util.regex.Pattern p) {
            StringBuilder b = new StringBuilder();
            for (String line : err.split("(?<=\n)")) {
                if (!p.matcher(line).find()) {
                    b.append(line);
                }
            }
            return new Run(out, b.toString(), exit);
        }

        String show() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static void main(String[] a) throws Exception {
        String kmod = a[0];
        String root = a[1];
        String version = a[2];
        List<String> names = Files.readAllLines(Path.of(a[3])).stream().filter(s -> !s.isBlank()).toList();
        String state = a[5];
        java.util.regex.Pattern ignore = a.length > 6 ? java.util.regex.Pattern.compile(a[6]) : null;
        int same = 0;
        int differ = 0;
        int sameIgnoring = 0;
        try (PrintWriter diffs = new PrintWriter(Files.newBufferedWriter(Path.of(a[4])))) {
            for (String name : names) {
                Run k = kmod(kmod, root, version, name);
                Run o = ours(root, version, name, state);
                if (k.equals(o)) {
                    same++;
                } else {
                    differ++;
                    if (ignore != null && k.without(ignore).equals(o.without(ignore))) {
                        sameIgnoring++;
                    }
                    diffs.printf("=== %s%n>>> kmod: %s>>> modkit: %s%n", name, k.show(), o.show());
                }
            }
        }
        System.out.printf("show-depends %s: names %d  identical %d  different %d%s%n", version, names.size(), same, differ,
                ignore == null ? "" : "  (identical without stderr lines matching '" + ignore + "': " + (same + sameIgnoring) + ")");
        System.exit(differ == 0 ? 0 : 1);
    }

    static Run kmod(String kmod, String root, String version, String name) throws IOException, InterruptedException {
        Path out = Files.createTempFile("sd", ".out");
        Path err = Files.createTempFile("sd", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(kmod, "-d", root, "-S", version, "--show-depends", name)
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("MODPROBE_OPTIONS");
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("kmod modprobe did not finish for " + name);
            }
            return new Run(Files.readString(out), Files.readString(err), p.exitValue());
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    static Run ours(String root, String version, String name, String state) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            // (--softdep-compat=kmod: modkit merges every softdep line of a module, a documented difference from kmod)
            exit = Modkit.runWithModprobeOptions(null, "modprobe", "--root", state, "-d", root, "-S", version,
                    "--softdep-compat=kmod", "--show-depends", name);
        } catch (RuntimeException e) {
            exit = 70;
            e.printStackTrace(System.err);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), exit);
    }
}
