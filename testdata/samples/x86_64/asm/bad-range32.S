/*
 * bad-range32.S: R_X86_64_32 against mk_kfunc (0xffffffff81000100 in the
 * x86_64-test profile), which does not fit zero-extended 32 bits. The kernel
 * fails with "overflow in relocation type 10 val ffffffff81000100" and
 * "`<module>' likely not compiled with -mcmodel=kernel".
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-range32

	.text
	.globl br_addr
	.type br_addr, @function
br_addr:
	movl $mk_kfunc, %eax				/* R_X86_64_32, A=0: overflows */
	ret
	.size br_addr, . - br_addr

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	call br_addr
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
