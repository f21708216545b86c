package modkit.arch;

import java.util.Map;

/**
 * The kernel image's function descriptors as a profile records them (ia64): the address a module sees for each
 * exported function, and the descriptor memory {ip, gp} at those addresses.
 *
 * @param addressOf exported function name to the address its export-table entry holds
 * @param table descriptor address to {ip, gp}
 */
public record KernelDescriptors(Map<String, Long> addressOf, Map<Long, long[]> table) {
    /** An arch whose function pointers are code addresses. */
    public static final KernelDescriptors NONE = new KernelDescriptors(Map.of(), Map.of());
}
