/*
 * bad-gprel.S (ia64): "addl r2 = @gprel(mk_kvar), gp" (R_IA64_GPREL22) against a kernel variable: it lies 4 GiB
 * from the module's gp, out of reach of the 22-bit gp-relative offset (a compiler would go through @ltoff).
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-gprel

	.text
	.global bg_fn
	.proc bg_fn
bg_fn:
	{ .mib
	addl r2 = @gprel(mk_kvar), gp
	nop.i 0
	br.ret.sptk.many b0 ;;
	}
	.endp bg_fn

	MODKIT_INIT_EXIT

	.data
bg_var:
	data8 1

