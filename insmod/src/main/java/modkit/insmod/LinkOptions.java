package modkit.insmod;

/**
 * How to link.
 *
 * @param forceVermagic ignore the module's vermagic, as kmod's {@code --force-vermagic} (taints F)
 * @param forceModversion ignore {@code __versions}, as {@code --force-modversion} (taints F)
 * @param params the parameter string passed to the kernel ("a=1 b=x")
 * @param at where a kernel placed the module (a dry link at its addresses), or null to take memory from the backend
 * @param flags modutils' load flags (-o, -x, -k, -S, -Y, -N)
 */
public record LinkOptions(boolean forceVermagic, boolean forceModversion, String params, KernelAddresses at, LoadFlags flags) {
    public static final LinkOptions DEFAULT = new LinkOptions(false, false, "");

    public LinkOptions(boolean forceVermagic, boolean forceModversion, String params) {
        this(forceVermagic, forceModversion, params, null);
    }

    public LinkOptions(boolean forceVermagic, boolean forceModversion, String params, KernelAddresses at) {
        this(forceVermagic, forceModversion, params, at, LoadFlags.NONE);
    }
}
