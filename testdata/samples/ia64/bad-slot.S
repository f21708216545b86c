/*
 * bad-slot.S (ia64): an R_IA64_GPREL22 moved (PATCH below) from the addl in slot 0 to slot 2 of the same MIB
 * bundle, which holds a branch. The kernel would scatter the 22 bits into the branch; modkit refuses.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-slot

	.text
	.global bs_fn
	.proc bs_fn
bs_fn:
	{ .mib
	addl r2 = @gprel(bs_var), gp
	nop.i 0
	br.ret.sptk.many b0 ;;
	}
	.endp bs_fn

	MODKIT_INIT_EXIT

	.data
bs_var:
	data8 1

// PATCH .rela.text 0x0 offset=0x2
