/*
 * relocs.S (i386): the three relocation types the 6.1 kernel accepts on
 * x86-32 (R_386_32, R_386_PC32, R_386_PLT32; reloc-x86.md section 2), against
 *   - undefined kernel symbols (mk_kfunc, mk_kvar, mk_kfunc2),
 *   - local non-section symbols (via .reloc, or symbols in a merge section;
 *     gas otherwise rewrites local labels to section symbol + offset),
 *   - section symbols,
 *   - global symbols defined here,
 * with non-zero implicit addends (REL: the addend is the field's contents).
 * Built with: i686-linux-gnu-as --32 -o relocs.o relocs.S
 *
 * Note: every .reloc below names the bare symbol and writes the implicit
 * addend itself (.long A). With ".reloc ., R_386_PC32, sym+A" gas (2.40) would
 * store A minus the field's offset in the section for the pc-relative types.
 * A non-allocated section (.modkit.nonalloc) has relocations a loader must
 * skip.
 */
	.include "modkit-module.inc"
	MODKIT_MODULE relocs

/* ------------------------------------------------------------------ .text */
	.text
	.p2align 4
	.type rl_local_fn, @function
rl_local_fn:					/* local function */
	movl $1, %eax
	ret
	.size rl_local_fn, . - rl_local_fn

	.p2align 4
	.globl rl_global_fn
	.type rl_global_fn, @function
rl_global_fn:
	/* R_386_PC32 (call foo), field -4 */
	call mk_kfunc					/* kernel */
	call rl_init_helper				/* global defined here, other section */
	/* R_386_PLT32 (call foo@PLT) */
	call mk_kfunc2@PLT				/* kernel */
	call rl_global_fn@PLT				/* global, same section */
	.byte 0xe8
	.reloc ., R_386_PLT32, rl_local_fn		/* local symbol, A=-4 */
	.long -4
	/* R_386_PC32 via data-less forms */
	.byte 0xe8
	.reloc ., R_386_PC32, rl_local_fn		/* local symbol, A=+8-4 */
	.long 8 - 4
	call .init.text + 0x10				/* section symbol */
	/* R_386_32 */
	movl $mk_kvar+8, %eax				/* kernel */
	movl mk_kvar+0x10, %ecx				/* kernel, memory operand */
	movl $rl_ro_table+4, %edx			/* section symbol .rodata */
	movl rl_bss_var+4, %esi				/* section symbol .bss */
	movl rl_global_data+12, %edi			/* global defined here */
	movl $rl_str_hello+6, %eax			/* merge-string local symbol */
	.byte 0xb9					/* movl $imm32, %ecx */
	.reloc ., R_386_32, rl_local_fn		/* local symbol, A=+3 */
	.long 3
	ret
	.size rl_global_fn, . - rl_global_fn

/* ------------------------------------------------------------- .init.text */
	.section .init.text, "ax", @progbits
	.p2align 4
	.globl init_module
	.type init_module, @function
init_module:
	call rl_global_fn				/* PC32 .init -> .text global */
	call mk_kfunc2					/* PC32 kernel */
	movl $rl_init_data, %eax			/* 32 .init.data section sym */
	movl rl_ro_table+8, %eax			/* 32 .rodata */
	xorl %eax, %eax
	ret
	.size init_module, . - init_module

	.p2align 4
	.globl rl_init_helper
	.type rl_init_helper, @function
rl_init_helper:
	movl $rl_local_fn+1, %eax			/* 32 .init.text -> .text */
	ret
	.size rl_init_helper, . - rl_init_helper

/* ------------------------------------------------------------- .exit.text */
	.section .exit.text, "ax", @progbits
	.p2align 4
	.globl cleanup_module
	.type cleanup_module, @function
cleanup_module:
	call mk_kfunc@PLT				/* PLT32 kernel */
	movl $mk_kvar, %eax				/* 32 kernel, A=0 */
	movl rl_global_data+8, %edx			/* 32 global */
	ret
	.size cleanup_module, . - cleanup_module

/* ---------------------------------------------------------------- .rodata */
	.section .rodata, "a", @progbits
	.p2align 4
rl_ro_table:						/* function pointer table */
	.long rl_global_fn				/* 32 global */
	.long rl_local_fn + 4				/* 32 section symbol .text */
	.long mk_kfunc					/* 32 kernel, A=0 */
	.reloc ., R_386_32, rl_local_fn		/* 32 local symbol, A=+0x11 */
	.long 0x11
	.long mk_kfunc2 + 0x20				/* 32 kernel */
	.long .exit.text + 2				/* 32 section symbol by name */
	.long 0x11223344				/* non-relocated data */
	.long mk_kvar - . + 8				/* PC32 kernel (data) */
	.long rl_global_data - . - 0x10			/* PC32 global (data) */
	.long rl_bss_var - .				/* PC32 section symbol .bss */
	.long mk_kfunc2 - 0x100				/* 32 kernel, negative A */
	.size rl_ro_table, . - rl_ro_table

/* merge strings (the golden generator clears SHF_MERGE|SHF_STRINGS) */
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
rl_data_b:
	.long rl_str_world				/* 32 merge-string local symbol */
	.long .rodata.str1.1 + 12			/* 32 section symbol + 12 */
	.long mk_kvar + 0x40				/* 32 kernel */
	.long mk_kfunc - . + 3				/* PC32 kernel */
	.long rl_global_fn - . + 0x30			/* PC32 global */

/* ------------------------------------------------------------- .init.data */
	.section .init.data, "aw", @progbits
	.p2align 2
rl_init_data:
	.long init_module + 1				/* 32 global in init */
	.long rl_data_b					/* 32 section symbol .data */

/* ------------------------------------------------------------------- .bss */
	.bss
	.p2align 4
rl_bss_var:
	.zero 32

/* ------------------------------------------- non-allocated, must be skipped */
	.section .modkit.nonalloc, "", @progbits
	.long rl_global_fn
	.long mk_kfunc
