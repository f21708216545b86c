/*
 * bad-pc16.S (m68k): a 16-bit pc-relative reference, .word mk_kfunc - . ->
 * R_68K_PC16 (5). 2.4 modutils (obj_m68k.c) applied it with a signed 16-bit
 * range check; the 6.x kernel refuses it: "module bad_pc16: Unknown
 * relocation: 5". modkit follows the kernel.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-pc16

	.text
	.globl bp_fn
	.type bp_fn, @function
bp_fn:
	rts
	.size bp_fn, . - bp_fn

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	moveq #0, %d0
	rts
	.size init_module, . - init_module

	.section .exit.text, "ax", @progbits
	.globl cleanup_module
	.type cleanup_module, @function
cleanup_module:
	rts
	.size cleanup_module, . - cleanup_module

	.section .rodata, "a", @progbits
	.p2align 1
	.word 1
	.word mk_kfunc - .				/* R_68K_PC16 */
	.data
	.long 2
	.bss
	.zero 4
