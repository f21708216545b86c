/*
 * bad-none.S (i386): an R_386_NONE relocation. Unlike x86-64 (where
 * R_X86_64_NONE is ignored), the i386 kernel rejects it:
 * "<module>: Unknown relocation: 0".
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-none

	.text
	.globl bn_fn
	.type bn_fn, @function
bn_fn:
	.reloc ., R_386_NONE, mk_kfunc
	nop
	ret
	.size bn_fn, . - bn_fn

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	call bn_fn
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
	.long 2
	.bss
	.zero 4
