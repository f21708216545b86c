/*
 * bad-ltv.S (ia64): an R_IA64_LTV64LSB (a DIR64LSB retyped, PATCH below): a link-time value, which the 6.1 kernel
 * meets with BUG(), a kernel crash. modkit refuses it with an error.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-ltv

	.text
	.global bl_fn
	.proc bl_fn
bl_fn:
	{ .mib
	nop.m 0
	nop.i 0
	br.ret.sptk.many b0 ;;
	}
	.endp bl_fn

	.section .init.text, "ax", @progbits
	.global init_module
	.proc init_module
init_module:
	br.ret.sptk.many b0 ;;
	.endp init_module

	.section .exit.text, "ax", @progbits
	.global cleanup_module
	.proc cleanup_module
cleanup_module:
	br.ret.sptk.many b0 ;;
	.endp cleanup_module

	.data
bl_var:
	data8 bl_fn
	data8 1

// PATCH .rela.data 0x0 type=0x77
