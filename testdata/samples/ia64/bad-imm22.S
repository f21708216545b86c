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

	MODKIT_INIT_EXIT

	.data
bi_var:
	data8 1

