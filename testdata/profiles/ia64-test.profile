# modkit kernel profile
# ia64 test kernel for testdata/samples/ia64: two exported functions (by descriptor, see fdescs), one exported
# variable, one exported per-cpu variable, gp and per-cpu area as in the ia64-6.1 corpus kernel.
arch=ia64
release=6.1.0-test
vermagic=6.1.0-test SMP mod_unload ia64gcc-12.2
page_size=16384
module_area=0xa000000200000000-0xa000000400000000
config=CONFIG_MODULE_UNLOAD=y CONFIG_KALLSYMS=y MODKIT_PERCPU_MODULE_AREA=0xfffffffffffc5828-0xfffffffffffc7828 MODKIT_REJECT_MISSING_CRC=n
symbols
a00000010197e000 - EXPORT_SYMBOL mk_kfunc
a00000010197e010 - EXPORT_SYMBOL_GPL mk_kfunc2
a000000101c00040 - EXPORT_SYMBOL mk_kvar
1234 - EXPORT_SYMBOL mk_kconst
fffffffffffc0100 - EXPORT_SYMBOL mk_kpercpu
fdescs
a00000010197e000 a000000100064a80 a000000101e5ddc0
a00000010197e010 a000000100123440 a000000101e5ddc0
