/*
 * relocs.S (m68k): the two relocation types the 6.1 kernel accepts on m68k
 * (R_68K_32 and R_68K_PC32, RELA; reloc-m68k.md section 2), in every form
 * GNU as gives them (jsr/move absolute, bsr.l/bra.l, lea d32(%pc) with A=2,
 * .long data, .long sym - .), against
 *   - undefined kernel symbols (mk_kfunc, mk_kvar, mk_kfunc2),
 *   - local non-section symbols (via .reloc, or symbols in a merge section;
 *     gas otherwise rewrites local labels to section symbol + offset),
 *   - section symbols,
 *   - global symbols defined here,
 * with zero, positive and negative addends; an absolute value below the
 * kernel (mk_kfunc - 0x200000) that only fits as a negative 32-bit number.
 * It also has a .m68k_fixup table (what __pa/__va/__virt_to_node_shift
 * leave behind; module_finalize patches those fields after relocation) with
 * both fixup types and one type the kernel ignores, bracketed by
 * __start_fixup/__stop_fixup as the module linker script does.
 * A non-allocated section (.modkit.nonalloc) has relocations a loader must
 * skip, among them an R_68K_PC16 that would be refused if it were applied.
 * Built with: m68k-linux-gnu-as -m68040 -o relocs.o relocs.S
 */
	.include "modkit-module.inc"
	MODKIT_MODULE relocs

/* ------------------------------------------------------------------ .text */
	.text
	.p2align 2
	.type rl_local_fn, @function
rl_local_fn:					/* local function */
	moveq #1, %d0
	rts
	.size rl_local_fn, . - rl_local_fn

	.p2align 2
	.globl rl_global_fn
	.type rl_global_fn, @function
rl_global_fn:
	/* R_68K_32 */
	jsr mk_kfunc					/* kernel, A=0 */
	jsr rl_init_helper				/* global defined here, other section */
	movel mk_kvar+8, %d0				/* kernel, absolute long address */
	movel #rl_ro_table+4, %d1			/* section symbol .rodata */
	movel rl_bss_var+4, %d2				/* section symbol .bss */
	movel rl_global_data+12, %d3			/* global defined here */
	movel #rl_str_hello+6, %d4			/* merge-string local symbol */
	pea .init.text+0x10				/* section symbol by name */
	.short 0x203c					/* movel #imm32, %d0 */
	.reloc ., R_68K_32, rl_local_fn+3		/* local symbol, A=+3 */
	.long 0
	/* R_68K_PC32 */
	bsrl mk_kfunc2					/* kernel, A=0 */
	bsrl rl_global_fn				/* global, same section */
	lea mk_kvar(%pc), %a0				/* kernel, A=2 (extension word) */
	lea rl_global_data(%pc), %a1			/* global, other section, A=2 */
	.short 0x61ff					/* bsr.l */
	.reloc ., R_68K_PC32, rl_local_fn		/* local symbol, A=0 */
	.long 0
	.short 0x61ff
	.reloc ., R_68K_PC32, rl_local_fn+8		/* local symbol, A=+8 */
	.long 0
rl_pa_insn:
	addl #0, %d0					/* __pa: m68k_memoffset goes here */
rl_va_insn:
	subl #0, %d0					/* __va: and here */
rl_vnode_insn:
	moveq #0, %d1					/* __virt_to_node_shift */
	jra mk_kfunc					/* bra.l tail call, PC32 kernel */
	.size rl_global_fn, . - rl_global_fn

/* ------------------------------------------------------------- .init.text */
	.section .init.text, "ax", @progbits
	.p2align 2
	.globl init_module
	.type init_module, @function
init_module:
	jsr rl_global_fn				/* 32 .init -> .text global */
	bsrl mk_kfunc2					/* PC32 kernel */
	movel #rl_init_data, %d0			/* 32 .init.data section sym */
	movel rl_ro_table+8, %d0			/* 32 .rodata */
	lea rl_bss_var(%pc), %a0			/* PC32 section symbol .bss, A=2 */
	moveq #0, %d0
	rts
	.size init_module, . - init_module

	.p2align 4
	.globl rl_init_helper
	.type rl_init_helper, @function
rl_init_helper:
	movel #rl_local_fn+1, %d0			/* 32 .init.text -> .text */
	rts
	.size rl_init_helper, . - rl_init_helper

/* ------------------------------------------------------------- .exit.text */
	.section .exit.text, "ax", @progbits
	.p2align 2
	.globl cleanup_module
	.type cleanup_module, @function
cleanup_module:
	bsrl mk_kfunc					/* PC32 kernel */
	movel #mk_kvar, %d0				/* 32 kernel, A=0 */
	movel rl_global_data+8, %d1			/* 32 global */
	rts
	.size cleanup_module, . - cleanup_module

/* ---------------------------------------------------------------- .rodata */
	.section .rodata, "a", @progbits
	.p2align 2
rl_ro_table:						/* function pointer table */
	.long rl_global_fn				/* 32 global */
	.long rl_local_fn + 4				/* 32 section symbol .text */
	.long mk_kfunc					/* 32 kernel, A=0 */
	.reloc ., R_68K_32, rl_local_fn+0x11		/* 32 local symbol */
	.long 0
	.long mk_kfunc2 + 0x20				/* 32 kernel */
	.long .exit.text + 2				/* 32 section symbol by name */
	.long 0x11223344				/* non-relocated data */
	.long mk_kvar - . + 8				/* PC32 kernel (data) */
	.long rl_global_data - . - 0x10			/* PC32 global (data) */
	.long rl_bss_var - .				/* PC32 section symbol .bss */
	.long mk_kfunc2 - 0x100				/* 32 kernel, negative A */
	.long mk_kfunc - 0x200000			/* 32 kernel, value < 0: 0xfff00100 */
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
	.p2align 2
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
	.p2align 2
rl_bss_var:
	.zero 32

/* ------------------------------------------------------------ .m68k_fixup */
/* struct m68k_fixup_info { enum m68k_fixup_type type; void *addr; } */
	.section .m68k_fixup, "aw", @progbits
	.globl __start_fixup
__start_fixup:
	.long 0, rl_pa_insn + 2				/* m68k_fixup_memoffset: addl's immediate */
	.long 1, rl_vnode_insn				/* m68k_fixup_vnode_shift: the moveq word */
	.long 0, rl_va_insn + 2				/* m68k_fixup_memoffset: subl's immediate */
	.long 7, rl_local_fn				/* no such type: the kernel skips it */
	.globl __stop_fixup
__stop_fixup:

/* ------------------------------------------- non-allocated, must be skipped */
	.section .modkit.nonalloc, "", @progbits
	.long rl_global_fn
	.long mk_kfunc
	.word mk_kfunc - .				/* R_68K_PC16: refused if applied */
