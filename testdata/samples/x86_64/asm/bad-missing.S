/*
 * bad-missing.S: references two undefined symbols that no test profile
 * exports (mk_nosuch1, mk_nosuch2). A loader must report both, e.g. the
 * kernel logs "<module>: Unknown symbol mk_nosuch1 (err -2)" per symbol.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-missing

	.text
	.globl bm_use
	.type bm_use, @function
bm_use:
	call mk_nosuch1					/* R_X86_64_PLT32 */
	call mk_kfunc					/* resolvable */
	ret
	.size bm_use, . - bm_use

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	call bm_use
	xorl %eax, %eax
	ret
	.size init_module, . - init_module

	.section .exit.text, "ax", @progbits
	.globl cleanup_module
	.type cleanup_module, @function
cleanup_module:
	ret
	.size cleanup_module, . - cleanup_module

	.section .rodata, "a", @progbits
	.long 1
	.data
	.quad mk_nosuch2					/* R_X86_64_64 */
	.bss
	.zero 4
