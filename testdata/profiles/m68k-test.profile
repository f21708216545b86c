# modkit kernel profile
arch=m68k
release=6.1.0-test
vermagic=6.1.0-test mod_unload 
page_size=4096
module_area=0x08800000-0xd0000000
config=CONFIG_MODULE_UNLOAD=y
symbols
00100100 - EXPORT_SYMBOL mk_kfunc
00200040 - EXPORT_SYMBOL mk_kvar
00100200 - EXPORT_SYMBOL_GPL mk_kfunc2
fff00000 - EXPORT_SYMBOL mk_khigh
