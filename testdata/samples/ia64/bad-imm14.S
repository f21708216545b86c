/*
 * bad-imm14.S (ia64): "adds r2 = mk_kconst, r3" (R_IA64_IMM14). The 6.1 kernel refuses it ("format 1 needed by
 * IMM14 reloc is not supported"): ld -r should have resolved it.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-imm14

	.text
	.global b14_fn
	.proc b14_fn
b14_fn:
	{ .mib
	adds r2 = mk_kconst, r3
	nop.i 0
	br.ret.sptk.many b0 ;;
	}
	.endp b14_fn

	MODKIT_INIT_EXIT

	.data
b14_var:
	data8 1

