package modkit.kernel;

/**
 * One notifier-chain event: {@code COMING} (formed, before init), {@code LIVE} (init succeeded), {@code GOING}
 * (unload after exit, init failure, or an abandoned load undone). {@code detail} says why, where it is not plain.
 */
public record ModuleEvent(long seq, long timeMillis, String module, String event, String detail) {}
