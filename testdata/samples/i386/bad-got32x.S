/*
 * bad-got32x.S (i386): a GOT load, mk_kvar@GOT(%ebx) -> R_386_GOT32X (43),
 * which the kernel rejects: "<module>: Unknown relocation: 43".
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-got32x

	.text
	.globl bx_read_kvar
	.type bx_read_kvar, @function
bx_read_kvar:
	movl mk_kvar@GOT(%ebx), %eax			/* R_386_GOT32X */
	movl (%eax), %eax
	ret
	.size bx_read_kvar, . - bx_read_kvar

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	call bx_read_kvar
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
