/*
 * bad-range32.S (m68k): .long mk_khigh + 0x200000 -> R_68K_32 whose value
 * S + A = 0xfff00000 + 0x200000 = 0x100100000 does not fit 32 bits.
 * (mk_khigh is a test-profile symbol near the top of the address space.)
 * The kernel stores it truncated (0x00100000) without a word, and so does
 * modkit (it once refused it; the object is unchanged, only its verdict).
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-range32

	.text
	.globl br_fn
	.type br_fn, @function
br_fn:
	rts
	.size br_fn, . - br_fn

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

	.data
	.p2align 2
	.long 2
	.long mk_khigh + 0x200000			/* R_68K_32, out of range */
	.bss
	.zero 4
