/*
 * bad-gotpcrel.S: a GOT-relative load. gas emits R_X86_64_REX_GOTPCRELX (42),
 * which the kernel rejects: "<module>: Unknown rela relocation: 42".
 * Everything else in the object is a valid minimal module.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-gotpcrel

	.text
	.globl bg_read_kvar
	.type bg_read_kvar, @function
bg_read_kvar:
	movq mk_kvar@GOTPCREL(%rip), %rax		/* R_X86_64_REX_GOTPCRELX */
	movl (%rax), %eax
	ret
	.size bg_read_kvar, . - bg_read_kvar

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	call bg_read_kvar
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
