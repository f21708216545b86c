package modkit.kernel;

import java.util.List;

/**
 * What a load asks of the kernel beyond the image (modutils' insmod flags, which today's kernels no longer know).
 *
 * @param autoclean insmod -k: the module may be removed by {@code rmmod -a} once unused (NEW_MOD_AUTOCLEAN)
 * @param ownSymbols insmod -S: the module's own symbols, local ones too, for the kernel's symbol listing
 *     (what modutils' kallsyms section gave {@code ksyms -a}); empty for none
 */
public record LoadMarks(boolean autoclean, List<KernelSymbol> ownSymbols) {
    public static final LoadMarks NONE = new LoadMarks(false, List.of());
}
