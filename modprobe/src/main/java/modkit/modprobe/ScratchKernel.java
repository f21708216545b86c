package modkit.modprobe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import modkit.elf.ModkitException;
import modkit.kernel.SimulatedKernel;

/**
 * A throw-away copy of the simulated kernel's state, for {@code modprobe -n}: the whole chain is linked and
 * loaded into the copy for real (each module resolves symbols against the ones before it, and against what the
 * real kernel already has), then the copy is deleted. The real state is only read.
 */
public final class ScratchKernel implements AutoCloseable {
    private final Path dir;
    private final SimulatedKernel kernel;

    private ScratchKernel(Path dir, SimulatedKernel kernel) {
        this.dir = dir;
        this.kernel = kernel;
    }

    public static ScratchKernel copyOf(Path stateRoot) {
        Path dir;
        try {
            dir = Files.createTempDirectory("modkit-modprobe-n");
            if (Files.isDirectory(stateRoot)) {
                try (Stream<Path> files = Files.walk(stateRoot)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Path to = dir.resolve(stateRoot.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(to);
                        } else if (Files.isRegularFile(p)) {
                            Files.copy(p, to);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new ModkitException(stateRoot + ": cannot copy the kernel state for a dry run: " + e.getMessage());
        }
        return new ScratchKernel(dir, SimulatedKernel.open(dir));
    }

    public SimulatedKernel kernel() {
        return kernel;
    }

    @Override
    public void close() {
        kernel.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
