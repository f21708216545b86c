package modkit.testdata.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import modkit.elf.ModkitException;

/**
 * Runs one target over its seeds and then over mutated inputs, each on a worker thread with a time limit. A
 * {@link ModkitException} is the clean refusal commands turn into exit 1; any other throwable is a crash (what a
 * command would turn into exit 70) and an input over the limit is a hang. Both are kept, with the input.
 */
public final class Fuzzer {
    /** A hang: one input that runs longer than this. */
    public static final long HANG_MILLIS = 10_000;

    public record Finding(String target, String kind, byte[] input, String trace) {
        public String summary() {
            String first = trace.lines().limit(4).reduce((a, b) -> a + " | " + b.strip()).orElse("");
            return target + " " + kind + " (" + input.length + " bytes): " + first;
        }
    }

    public record Result(String target, long inputs, long refused, List<Finding> crashes, List<Finding> hangs, double seconds) {}

    private final FuzzTarget target;
    private final long seed;
    private final Path saveTo;
    private ExecutorService worker = newWorker();

    public Fuzzer(FuzzTarget target, long seed, Path saveTo) {
        this.target = target;
        this.seed = seed;
        this.saveTo = saveTo;
    }

    /** Tries {@code inputs} inputs: the seeds first, then mutations of them. */
    public Result run(long inputs) {
        long start = System.nanoTime();
        List<byte[]> seeds = target.seeds();
        if (seeds.isEmpty()) {
            throw new IllegalStateException(target.name() + ": no seeds");
        }
        Mutator m = new Mutator(new Random(seed), seeds, target.tokens());
        Random pick = new Random(seed ^ 0x5eed);
        List<Finding> crashes = new ArrayList<>();
        List<Finding> hangs = new ArrayList<>();
        long refused = 0;
        try {
            for (long i = 0; i < inputs; i++) {
                byte[] in = i < seeds.size() ? seeds.get((int) i) : m.mutate(seeds.get(pick.nextInt(seeds.size())));
                Finding f = one(in);
                if (f == null) {
                    continue;
                }
                switch (f.kind()) {
                    case "refused" -> refused++;
                    case "hang" -> { hangs.add(f); save(f, hangs.size()); }
                    default -> { if (crashes.size() < 1000) { crashes.add(f); save(f, crashes.size()); } }
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Result(target.name(), inputs, refused, crashes, hangs, (System.nanoTime() - start) / 1e9);
    }

    /** Runs one input: null when it went through, else a finding ("refused" for a clean ModkitException). */
    public Finding one(byte[] in) {
        Future<?> f = worker.submit(() -> {
            target.run(in);
            return null;
        });
        try {
            f.get(HANG_MILLIS, TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon; it dies with the run
            return new Finding(target.name(), "hang", in, "no answer after " + HANG_MILLIS + " ms");
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof ModkitException) {
                return new Finding(target.name(), "refused", in, "");
            }
            StringWriter s = new StringWriter();
            t.printStackTrace(new PrintWriter(s));
            return new Finding(target.name(), "crash", in, s.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void save(Finding f, int n) {
        if (saveTo == null || n > 20) {
            return;
        }
        try {
            Path dir = Files.createDirectories(saveTo.resolve(target.name()));
            String id = f.kind() + "-" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(f.input()), 0, 6);
            Files.write(dir.resolve(id + ".bin"), f.input());
            Files.writeString(dir.resolve(id + ".txt"), f.trace());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            System.err.println("could not save " + f.summary() + ": " + e);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }
}
