package modkit.modprobe;

import java.nio.file.Path;
import modkit.insmod.Insmod;
import modkit.insmod.LinkOptions;
import modkit.insmod.LinkResult;
import modkit.kernel.KernelBackend;
import modkit.kernel.LoadedModule;
import modkit.kernel.ModuleState;

/**
 * modprobe's only door to the kernel: what is loaded, insert (the same linker and load as insmod) and remove
 * (the same {@code delete_module} as rmmod). Kept to these three calls so changes to {@link KernelBackend} touch
 * modprobe in one place.
 */
public final class LoadedModules {
    private final KernelBackend kernel;

    public LoadedModules(KernelBackend kernel) {
        this.kernel = kernel;
    }

    public KernelBackend backend() {
        return kernel;
    }

    /** The module in the kernel's list, or null. */
    public LoadedModule find(String name) {
        return kernel.find(name);
    }

    /** Loaded and live: kmod's "in kernel" (a module still loading or unloading is not). */
    public boolean isLive(String name) {
        LoadedModule m = find(name);
        return m != null && m.state() == ModuleState.LIVE;
    }

    public LinkResult insert(String file, LinkOptions options) {
        return Insmod.load(Path.of(file), kernel, options, false);
    }

    public void remove(String name, boolean force) {
        kernel.unload(name, force, false);
    }
}
