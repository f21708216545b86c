/*
 * relocs.S (ia64): one module using every relocation type the Linux 6.1 ia64 loader applies that GNU as can emit,
 * plus REL32LSB/REL64LSB, PCREL21BI, PCREL22 and SUB retyped by ia64-patch-relocs.py (PATCH lines below).
 * Calls out of the module go through PLT stubs (core and init), @ltoff through the GOT, @fptr of own functions
 * through descriptors in .opd; per-cpu data is reached with a 22-bit immediate; small data through gp.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE relocs

	.text
	.align 32
	.global rl_core
	.proc rl_core
rl_core:
	alloc r34 = ar.pfs, 0, 4, 1, 0
	addl r2 = rl_pcpu, r0                 // IMM22: per-cpu variable (in the per-cpu area)
	movl r3 = rl_data                     // IMM64
	addl r14 = @gprel(rl_small), gp       // GPREL22
	movl r15 = @gprel(rl_data)            // GPREL64I
	addl r16 = @ltoff(mk_kvar), gp        // LTOFF22
	movl r17 = @ltoff(rl_data + 8)        // LTOFF64I
	movl r18 = @pltoff(mk_kfunc2)         // PLTOFF64I: the kernel stores the stub's address
	movl r19 = @fptr(rl_helper)           // FPTR64I
	addl r20 = @ltoff(@fptr(mk_kfunc)), gp   // LTOFF_FPTR22
	movl r21 = @ltoff(@fptr(rl_helper))   // LTOFF_FPTR64I
	movl r22 = @pcrel(rl_helper)          // PCREL64I: S + A - B
	addl r23 = @ltoffx(rl_small), gp ;;   // LTOFF22X: gp-addressable -> gprel
	ld8.mov r23 = [r23], rl_small         // LDXMOV: becomes a mov
	addl r24 = @ltoffx(mk_kvar), gp ;;    // LTOFF22X: too far from gp -> GOT
	ld8.mov r24 = [r24], mk_kvar          // LDXMOV: stays a load
	movl r25 = rl_helper                  // IMM64, retyped to SUB below: A - S
	addl r26 = rl_helper, r0              // IMM22, retyped to PCREL22 below: S + A - B
	br.call.sptk.many b0 = mk_kfunc ;;    // PCREL21B: out of the module, via .core.plt
	br.call.sptk.many b0 = rl_helper ;;   // PCREL21B: inside core, direct
	br.call.sptk.many b0 = mk_kfunc ;;    // PCREL21B: the same stub again
	br.call.sptk.many b0 = rl_helper ;;   // PCREL21B retyped to PCREL21BI below
	brl.call.sptk.many b0 = rl_helper ;;  // PCREL60B (internal target)
	br.ret.sptk.many b0 ;;
	.endp rl_core

	.global rl_helper
	.proc rl_helper
rl_helper:
	br.call.sptk.many b0 = mk_kfunc2 ;;   // PCREL21B: a second stub
	br.ret.sptk.many b0 ;;
	.endp rl_helper

	.section .init.text, "ax", @progbits
	.align 16
	.global init_module
	.proc init_module
init_module:
	alloc r34 = ar.pfs, 0, 4, 1, 0
	br.call.sptk.many b0 = mk_kfunc ;;    // PCREL21B from init: via .init.plt
	br.call.sptk.many b0 = rl_core ;;     // PCREL21B init -> core, in reach: direct
	mov r8 = r0
	br.ret.sptk.many b0 ;;
	.endp init_module

	.section .exit.text, "ax", @progbits
	.align 16
	.global cleanup_module
	.proc cleanup_module
cleanup_module:
	br.call.sptk.many b0 = mk_kfunc2 ;;
	br.ret.sptk.many b0 ;;
	.endp cleanup_module

	.data
	.align 8
	.global rl_data
rl_data:
	data4 mk_kconst                       // DIR32LSB (a small absolute kernel symbol: addresses need 64 bits)
	data4 mk_kconst                       // DIR32LSB, retyped to SEGREL32LSB below
	data8 rl_helper                       // DIR64LSB
	data4 @gprel(rl_small)                // GPREL32LSB
	data4 @fptr(mk_kconst)                // FPTR32LSB: outside the module, a "function" is its own pointer
	data8 @gprel(rl_data)                 // GPREL64LSB
	data8 @pltoff(mk_kfunc)               // PLTOFF64LSB: the stub's address
	data8 @fptr(rl_helper)                // FPTR64LSB: own function -> descriptor in .opd
	data8 @fptr(mk_kfunc)                 // FPTR64LSB: kernel function -> its descriptor
	data4 @pcrel(rl_helper)               // PCREL32LSB
	data4 @ltoff(@fptr(rl_core))          // LTOFF_FPTR32LSB
	data8 @pcrel(rl_helper)               // PCREL64LSB
	data8 @ltoff(@fptr(rl_core))          // LTOFF_FPTR64LSB
	data8 @segrel(rl_core)                // SEGREL64LSB
	data4 @secrel(rl_data + 16)           // SECREL32LSB
	data4 rl_core - rl_data               // PCREL32LSB (as the assembler writes a difference)
	data8 @secrel(rl_data + 24)           // SECREL64LSB
	data16.ua @iplt(mk_kfunc)             // IPLTLSB (the kernel writes only the first 8 bytes)
	data8 rl_core                         // DIR64LSB, retyped to REL64LSB below
	data4 rl_core                         // DIR32LSB, retyped to REL32LSB below
	data4 0

	.section .sdata, "aws", @progbits
	.align 8
rl_small:
	data8 42


	.section .data..percpu, "aw", @progbits
	.align 8
rl_pcpu:
	data8 0

// PATCH .rela.text 0x91 type=0x85
// PATCH .rela.text 0xa0 type=0x7a
// PATCH .rela.text 0xd2 type=0x79
// PATCH .rela.data 0x4 type=0x5d
// PATCH .rela.data 0x78 type=0x6f
// PATCH .rela.data 0x80 type=0x6d
