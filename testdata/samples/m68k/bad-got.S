/*
 * bad-got.S (m68k): a GOT load, movel (mk_kvar@GOT,%a5),%a0 ->
 * R_68K_GOT32O (10). No m68k kernel loader builds a GOT, and 2.4 modutils
 * did not take it either: "module bad_got: Unknown relocation: 10".
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-got

	.text
	.globl bg_read_kvar
	.type bg_read_kvar, @function
bg_read_kvar:
	movel (mk_kvar@GOT, %a5), %a0			/* R_68K_GOT32O */
	movel (%a0), %d0
	rts
	.size bg_read_kvar, . - bg_read_kvar

	.section .init.text, "ax", @progbits
	.globl init_module
	.type init_module, @function
init_module:
	jsr bg_read_kvar
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
	.long 2
	.bss
	.zero 4
