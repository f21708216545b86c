/*
 * bad-nogot.S (ia64): a module without the .got placeholder that scripts/module.lds makes: the kernel refuses
 * it ("sections missing") before looking at any relocation.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE bad-nogot, 0
	.section .core.plt,"a",@progbits
	data1 0
	.section .init.plt,"a",@progbits
	data1 0
	.section .opd,"a",@progbits
	data1 0

	.text
	.global b14_fn
	.proc b14_fn
b14_fn:
	{ .mib
	addl r2 = @gprel(b14_var), gp
	nop.i 0
	br.ret.sptk.many b0 ;;
	}
	.endp b14_fn

	MODKIT_INIT_EXIT

	.data
b14_var:
	data8 1

