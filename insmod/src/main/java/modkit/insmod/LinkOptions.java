package modkit.insmod;

/**
 * How to link.
 *
 * @param forceVermagic ignore the module's vermagic, as kmod's {@code --force-vermagic} (taints F)
 * @param forceModversion ignore {@code __versions}, as {@code --force-modversion} (taints F)
 * @param params the parameter string passed to the kernel ("a=1 b=x")
 */
public record LinkOptions(boolean forceVermagic, boolean forceModversion, String params) {
    public static final LinkOptions DEFAULT = new LinkOptions(false, false, "");
}
