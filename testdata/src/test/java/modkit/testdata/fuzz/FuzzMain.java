package modkit.testdata.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The long fuzz run ({@code scripts/fuzz.sh [INPUTS] [TARGET...]}): INPUTS in total, shared evenly by the targets;
 * one line per target (inputs tried, refused cleanly, crashes, hangs, seconds) and a total. Crashing and hanging
 * inputs are kept under {@code fuzz-out/TARGET/}. Exit 1 if anything crashed or hung.
 * {@code scripts/fuzz.sh replay TARGET FILE...} runs one target over the given inputs and prints what each did.
 */
public final class FuzzMain {
    private FuzzMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("replay")) { // replay TARGET FILE...: one line per file
            FuzzTarget t = Targets.byName(args[1]);
            Fuzzer f = new Fuzzer(t, 0, null);
            for (int i = 2; i < args.length; i++) {
                long start = System.nanoTime();
                Fuzzer.Finding r = f.one(java.nio.file.Files.readAllBytes(Path.of(args[i])));
                System.out.println(args[i] + ": " + (r == null ? "accepted" : r.kind().equals("refused") ? "refused cleanly" : r.summary())
                        + String.format(" (%.3f s)", (System.nanoTime() - start) / 1e9));
                if (r != null && !r.kind().equals("refused")) {
                    System.out.println(r.trace());
                }
            }
            System.exit(0);
        }
        long total = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
        long seed = Long.getLong("modkit.fuzz.seed", 1);
        List<FuzzTarget> targets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            targets.add(Targets.byName(args[i]));
        }
        if (targets.isEmpty()) {
            targets.addAll(Targets.all());
        }
        // The linker's warnings (unversioned symbols and the like) would drown the figures.
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        System.setErr(quiet);
        Path out = Path.of(System.getProperty("modkit.fuzz.out", "fuzz-out"));
        long per = Math.max(1, total / targets.size());
        System.out.printf("%-12s %10s %10s %8s %6s %9s%n", "target", "inputs", "refused", "crashes", "hangs", "seconds");
        long inputs = 0, crashes = 0, hangs = 0;
        double seconds = 0;
        for (FuzzTarget t : targets) {
            Fuzzer.Result r = new Fuzzer(t, seed, out).run(per);
            System.out.printf("%-12s %10d %10d %8d %6d %9.1f%n", r.target(), r.inputs(), r.refused(), r.crashes().size(),
                    r.hangs().size(), r.seconds());
            for (Fuzzer.Finding f : r.crashes().stream().limit(5).toList()) {
                System.out.println("  " + f.summary());
            }
            for (Fuzzer.Finding f : r.hangs()) {
                System.out.println("  " + f.summary());
            }
            System.out.flush();
            inputs += r.inputs();
            crashes += r.crashes().size();
            hangs += r.hangs().size();
            seconds += r.seconds();
        }
        System.out.printf("%-12s %10d %10s %8d %6d %9.1f%n", "total", inputs, "", crashes, hangs, seconds);
        System.exit(crashes + hangs == 0 ? 0 : 1);
    }
}
