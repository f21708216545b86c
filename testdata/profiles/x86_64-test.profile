# modkit kernel profile
arch=x86_64
release=6.1.0-test
vermagic=6.1.0-test SMP mod_unload 
page_size=4096
module_area=0xffffffffc0000000-0xffffffffff000000
config=CONFIG_STRICT_MODULE_RWX=y CONFIG_MODULE_UNLOAD=y
symbols
ffffffff81000100 - EXPORT_SYMBOL mk_kfunc
ffffffff81200040 - EXPORT_SYMBOL mk_kvar
ffffffff81000200 - EXPORT_SYMBOL_GPL mk_kfunc2
