package modkit.kernel;

import java.util.List;

/**
 * A module in the kernel's list, as /proc/modules and /sys/module show it.
 *
 * @param size the sum of its regions still allocated (init is freed after a successful init)
 * @param refcnt {@code module_refcount()}: references other than the base one
 * @param holders modules that use this one, in the kernel's order (newest user first, as /proc/modules shows them)
 */
public record LoadedModule(
        String name,
        ModuleState state,
        long address,
        long size,
        long coreSize,
        long initSize,
        int refcnt,
        List<String> holders,
        String taints,
        boolean hasInit,
        boolean hasExit,
        String file) {}
