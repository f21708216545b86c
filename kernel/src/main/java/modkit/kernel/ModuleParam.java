package modkit.kernel;

/**
 * One module parameter as /sys/module/NAME/parameters shows it: the variable's address in the module's image,
 * how to read it ({@code type} is modinfo's parmtype, e.g. "int", "charp", "array of short", "string") and its
 * sysfs permission ({@code perm} 0 means not shown in sysfs).
 */
public record ModuleParam(String name, String type, long address, int size, int perm) {}
