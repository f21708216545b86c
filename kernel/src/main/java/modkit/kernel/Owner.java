package modkit.kernel;

import java.time.Instant;
import java.util.Optional;

/**
 * The process that holds a module in a transient state. A pid alone can be reused, so the process's start time
 * is kept with it: a module whose owner no longer runs was abandoned (a SIGKILLed insmod or rmmod).
 */
record Owner(long pid, long start) {
    static Owner current() {
        ProcessHandle self = ProcessHandle.current();
        return new Owner(self.pid(), startOf(self));
    }

    boolean isAlive() {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isPresent() && h.get().isAlive() && startOf(h.get()) == start;
    }

    private static long startOf(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
