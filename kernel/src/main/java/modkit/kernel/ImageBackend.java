package modkit.kernel;

/**
 * A kernel that takes finished images: modkit links the module inside a {@link LoadTransaction}, asking the
 * backend for symbols and memory, and hands it the result; nothing is visible to anyone else until
 * {@link LoadTransaction#commit}.
 */
public non-sealed interface ImageBackend extends KernelBackend {
    /**
     * Starts loading {@code name}: EEXIST if a module of that name is live, EBUSY if it is going; waits while
     * one of that name is still coming.
     */
    LoadTransaction beginLoad(String name);

    /**
     * Waits while {@code module} is COMING (a symbol lookup hit it: {@link ModuleComing}); false if it still is
     * at {@code deadlineMillis}. A backend without init transitions never has COMING modules.
     */
    default boolean awaitNotComing(String module, long deadlineMillis) {
        return true;
    }
}
