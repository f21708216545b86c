# modkit kernel profile
arch=i386
release=6.1.0-test
vermagic=6.1.0-test SMP mod_unload 686 
page_size=4096
module_area=0xf8000000-0xff000000
config=CONFIG_STRICT_MODULE_RWX=y CONFIG_MODULE_UNLOAD=y
symbols
c1000100 - EXPORT_SYMBOL mk_kfunc
c1200040 - EXPORT_SYMBOL mk_kvar
c1000200 - EXPORT_SYMBOL_GPL mk_kfunc2
