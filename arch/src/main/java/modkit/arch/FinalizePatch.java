package modkit.arch;

import java.nio.ByteBuffer;

/**
 * One patch the kernel's {@code module_finalize} makes after relocation, with a value only the running kernel
 * knows (m68k: {@code m68k_memoffset}). modkit records it for the load map and does not apply it, so the image
 * stays what a static linker produces.
 *
 * @param address the final address of the patched field
 * @param width bytes the kernel writes there (0 if it ignores the entry)
 * @param action what the kernel does, e.g. "store m68k_memoffset (32 bits)"
 */
public record FinalizePatch(long address, int width, String action) {
    /** The relocated module as {@code module_finalize} sees it: its placed sections, by name. */
    @FunctionalInterface
    public interface Image {
        /** The relocated bytes of the placed section {@code name} (index 0 = its first byte, arch order), or null. */
        ByteBuffer section(String name);
    }
}
