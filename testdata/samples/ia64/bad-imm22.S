/*
 * bad-imm22.S (ia64): "addl r2 = bi_var, r0" (R_IA64_IMM22) against module data: a module address never fits the
 * 22-bit immediate (the kernel: "value ... out of IMM22 range"). Only per-cpu addresses do.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-imm22

	.text
	.global bi_fn
	.proc bi_fn
bi_fn:
	{ .mib
	addl r2 = bi_var, r0
	nop.i 0
	br.ret.sptk.many b0 ;;
	}
	.endp bi_fn

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
bi_var:
	data8 1

