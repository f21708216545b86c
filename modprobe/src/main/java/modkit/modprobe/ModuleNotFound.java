package modkit.modprobe;

import modkit.elf.ModkitException;

/**
 * A name that no module, alias or built-in module answers to. kmod's modprobe logs this one at its fatal level
 * ("modprobe: FATAL: Module X not found in directory D") and stops at once, even among several names; the command
 * does the same with this type.
 */
public final class ModuleNotFound extends ModkitException {
    public ModuleNotFound(String name, String directory) {
        super("Module " + name + " not found in directory " + directory,
                "check the name, or run depmod if the module was added after the last run");
    }
}
