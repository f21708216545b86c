/*
 * relocs.S: every x86-64 relocation type the 6.1 kernel accepts
 * (NONE, 64, 32, 32S, PC32, PLT32, PC64; see
 * /work/shared/reference/reloc-x86.md section 3), each against
 *   - undefined kernel symbols  (mk_kfunc, mk_kvar, mk_kfunc2),
 *   - local (STB_LOCAL, non-section) symbols  (forced with .reloc, because
 *     gas otherwise rewrites them to section symbol + offset),
 *   - section symbols  (what gas normally emits for local labels),
 *   - global symbols defined here,
 * with non-zero addends. Built with: as --64 -o relocs.o relocs.S
 *
 * Value constraints, valid for every module address in the x86_64-test
 * profile's module area 0xffffffffc0000000-0xffffffffff000000 and kernel
 * addresses 0xffffffff8xxxxxxx:
 *   32S        kernel and module addresses sign-extend from 32 bits: small addends.
 *   32         no module/kernel address fits zero-extended 32 bits, so the
 *              addends wrap S + A past 2^64 into [0, 2^32): module symbols get
 *              +0x40000000, kernel symbols +0x7f000000 (kernel computes u64
 *              S + A and checks val == (u32)val; GNU ld agrees).
 *   PC32/PLT32 module area is within +-2 GiB of the kernel image.
 * A non-allocated section (.modkit.nonalloc) carries relocations that a
 * loader must skip (the kernel ignores relocation sections whose target is
 * not SHF_ALLOC); one of them (R_X86_64_32 against mk_kfunc) would overflow.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE relocs

/* ------------------------------------------------------------------ .text */
	.text
	.p2align 4
	.type rl_local_fn, @function
rl_local_fn:				/* local function */
	movl $1, %eax
	ret
	.size rl_local_fn, . - rl_local_fn

	.p2align 4
	.globl rl_global_fn
	.type rl_global_fn, @function
rl_global_fn:
	/* R_X86_64_PLT32 */
	call mk_kfunc					/* kernel, A=-4 */
	call mk_kfunc2					/* kernel, A=-4 */
	.byte 0xe8
	.reloc ., R_X86_64_PLT32, rl_local_fn - 4	/* local symbol */
	.long 0
	.byte 0xe8
	.reloc ., R_X86_64_PLT32, .init.text + 0x10 - 4	/* section symbol, A=+0xc */
	.long 0
	call rl_init_helper				/* global defined here */

	/* R_X86_64_PC32 */
	leaq mk_kvar+16(%rip), %rax			/* kernel, A=+12 */
	leaq rl_data_b(%rip), %rax			/* section symbol .data, A=off-4 */
	leaq rl_bss_var+4(%rip), %rcx			/* section symbol .bss */
	.byte 0x48, 0x8d, 0x15				/* leaq 0(%rip), %rdx */
	.reloc ., R_X86_64_PC32, rl_local_ro + 6	/* local symbol */
	.long 0
	movl rl_global_data+8(%rip), %eax		/* global defined here */

	/* R_X86_64_32S */
	movq $mk_kvar+8, %rax				/* kernel */
	movq $rl_ro_table+16, %rax			/* section symbol .rodata */
	.byte 0x48, 0xc7, 0xc2				/* movq $imm32, %rdx */
	.reloc ., R_X86_64_32S, rl_local_fn + 3		/* local symbol */
	.long 0
	movq $rl_global_data+4, %rsi			/* global defined here */

	/* R_X86_64_32 (wrapping addends, see top) */
	movl $mk_kvar+0x7f000000, %eax			/* kernel: 0x200040 + 0x0 */
	movl $rl_data_b+0x40000000, %eax		/* section symbol */
	.byte 0xb9					/* movl $imm32, %ecx */
	.reloc ., R_X86_64_32, rl_local_fn + 0x40000002	/* local symbol */
	.long 0

	/* R_X86_64_64 */
	movabsq $mk_kfunc+0x10, %rax			/* kernel */
	movabsq $rl_str_hello+6, %rax			/* merge-string section/local */
	movabsq $rl_global_fn+1, %rdx			/* global defined here */

	/* R_X86_64_NONE (the kernel ignores it; so must a loader) */
	.reloc ., R_X86_64_NONE, mk_kfunc
	.reloc ., R_X86_64_NONE, rl_local_fn
	nop
	ret
	.size rl_global_fn, . - rl_global_fn

/* ------------------------------------------------------------- .init.text */
	.section .init.text, "ax", @progbits
	.p2align 4
	.globl init_module
	.type init_module, @function
init_module:
	call rl_global_fn				/* PLT32 global, .init -> .text */
	call mk_kfunc2					/* PLT32 kernel */
	leaq rl_init_data(%rip), %rax			/* PC32 .init.data section sym */
	movq rl_ro_table+8(%rip), %rax			/* PC32 .rodata */
	xorl %eax, %eax
	ret
	.size init_module, . - init_module

	.p2align 4
	.globl rl_init_helper
	.type rl_init_helper, @function
rl_init_helper:
	leaq rl_local_fn+1(%rip), %rax			/* PC32 .init.text -> .text */
	ret
	.size rl_init_helper, . - rl_init_helper

/* ------------------------------------------------------------- .exit.text */
	.section .exit.text, "ax", @progbits
	.p2align 4
	.globl cleanup_module
	.type cleanup_module, @function
cleanup_module:
	call mk_kfunc					/* PLT32 kernel */
	movq $mk_kvar, %rax				/* 32S kernel, A=0 */
	leaq rl_global_data+12(%rip), %rdi		/* PC32 global */
	ret
	.size cleanup_module, . - cleanup_module

/* ---------------------------------------------------------------- .rodata */
	.section .rodata, "a", @progbits
	.p2align 5
rl_ro_table:						/* function pointer table */
	.quad rl_global_fn				/* 64 global */
	.quad rl_local_fn + 4				/* 64 section symbol .text */
	.quad mk_kfunc					/* 64 kernel, A=0 */
	.reloc ., R_X86_64_64, rl_local_fn + 0x11	/* 64 local symbol */
	.quad 0
	.quad mk_kfunc2 + 0x20				/* 64 kernel */
	.quad .exit.text + 2				/* 64 section symbol by name */
rl_local_ro:
	.long 0x11223344				/* non-relocated data */
	.long 0x55667788
	.quad mk_kvar - . + 8				/* PC64 kernel */
	.quad rl_global_data - . - 0x10			/* PC64 global */
	.reloc ., R_X86_64_PC64, rl_local_fn + 7	/* PC64 local symbol */
	.quad 0
	.quad rl_bss_var - .				/* PC64 section symbol .bss */
	.long mk_kfunc - . + 3				/* PC32 kernel (data) */
	.long rl_data_b - . + 0x30			/* PC32 section symbol .data */
	.long mk_kvar + 0x7f000004			/* 32 kernel (wraps) */
	.size rl_ro_table, . - rl_ro_table

/* merge strings: GNU ld would tail-merge these, the kernel never does. The
 * golden generator copies the object with SHF_MERGE|SHF_STRINGS cleared. */
	.section .rodata.str1.1, "aMS", @progbits, 1
rl_str_hello:
	.asciz "hello world"
rl_str_world:
	.asciz "world"
	.asciz "hello world"

/* ------------------------------------------------------------------ .data */
	.data
	.p2align 4
	.globl rl_global_data
	.type rl_global_data, @object
rl_global_data:
	.long 0xcafef00d, 1, 2, 3, 4
	.size rl_global_data, . - rl_global_data
	.p2align 3
rl_data_b:
	.quad rl_str_world				/* 64 -> merge string */
	.quad .rodata.str1.1 + 12			/* 64 section symbol + 12 */
	.quad mk_kvar + 0x40				/* 64 kernel */
	.long mk_kfunc + 0x7f000000			/* 32 kernel (wraps) */
	.reloc ., R_X86_64_32S, mk_kfunc2 - 8		/* 32S kernel, negative A */
	.long 0
	.reloc ., R_X86_64_32S, rl_local_ro + 0x10	/* 32S local symbol */
	.long 0
	.long rl_global_data + 0x40000010		/* 32 global (wraps) */
	.reloc ., R_X86_64_PC32, rl_local_fn + 0x21	/* PC32 local symbol (data) */
	.long 0
	.reloc ., R_X86_64_PLT32, mk_kfunc + 0x5	/* PLT32 kernel in data */
	.long 0
	.quad mk_kfunc2 - . - 0x100			/* PC64 kernel */

/* ------------------------------------------------------------- .init.data */
	.section .init.data, "aw", @progbits
	.p2align 3
rl_init_data:
	.quad init_module + 1				/* 64 global in init */
	.quad rl_data_b					/* 64 section symbol .data */

/* ------------------------------------------------------------------- .bss */
	.bss
	.p2align 4
rl_bss_var:
	.zero 32

/* ------------------------------------------- non-allocated, must be skipped */
	.section .modkit.nonalloc, "", @progbits
	.quad rl_global_fn
	.long mk_kfunc					/* would overflow if applied */
