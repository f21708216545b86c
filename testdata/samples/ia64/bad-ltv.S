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

	MODKIT_INIT_EXIT

	.data
bl_var:
	data8 bl_fn
	data8 1

// PATCH .rela.data 0x0 type=0x77
