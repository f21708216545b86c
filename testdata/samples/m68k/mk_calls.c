/*
 * mk_calls.c (m68k): what gcc makes of ordinary module code, for the
 * m68k-test profile. Built with (see build-objects.sh):
 *   m68k-linux-gnu-gcc -m68040 -O2 -fno-pic -ffreestanding -fno-common -g0 -c
 * which is what kbuild uses for a 68040 kernel, minus the kernel headers
 * (this file declares what it needs). gcc gives:
 *   - R_68K_32 for calls (jsr sym), absolute data addresses (move sym, lea
 *     sym), function-pointer and string tables, and the export table;
 *   - R_68K_PC32 for tail calls (jra sym -> bra.l).
 * The inline asm copies __pa/__va/__virt_to_node_shift of
 * arch/m68k/include/asm/page_mm.h, which leave .m68k_fixup entries for
 * module_finalize (the struct module layout here is NOT the kernel's).
 */
extern int mk_kfunc(int);
extern int mk_kfunc2(const char *, int);
extern int mk_kvar;

#define __init __attribute__((section(".init.text")))
#define __exit __attribute__((section(".exit.text")))
#define __initdata __attribute__((section(".init.data")))
#define __used __attribute__((used))

/* .modinfo as MODULE_LICENSE and friends leave it; name= and vermagic= come from modpost */
static const char mc_modinfo[] __used __attribute__((section(".modinfo"), aligned(1))) =
	"license=GPL\0name=mk_calls\0vermagic=6.1.0-test mod_unload ";

int init_module(void);
void cleanup_module(void);

struct mc_module {
	int (*init)(void);
	void (*exit)(void);
	char name[56];
};

struct mc_module __this_module __attribute__((section(".gnu.linkonce.this_module"), aligned(64))) = {
	init_module, cleanup_module, "mk_calls",
};

/* EXPORT_SYMBOL(mk_calls_add) with an absolute struct kernel_symbol (m68k has no PREL32 form) */
struct kernel_symbol {
	unsigned long value;
	const char *name;
	const char *namespace;
};

int mk_calls_add(int a, int b)
{
	return a + b + mk_kvar;
}

static const char __kstrtab_mk_calls_add[] __used __attribute__((section("__ksymtab_strings"), aligned(1))) = "mk_calls_add";
static const char __kstrtabns_mk_calls_add[] __used __attribute__((section("__ksymtab_strings"), aligned(1))) = "";
static const struct kernel_symbol __ksymtab_mk_calls_add __used __attribute__((section("__ksymtab"), aligned(4))) = {
	(unsigned long)&mk_calls_add, __kstrtab_mk_calls_add, __kstrtabns_mk_calls_add,
};

/* m68k_fixup(type, addr) of asm/module.h */
#define MC_FIXUP(type, addr) "	.section .m68k_fixup,\"aw\"\n	.long " #type "," #addr "\n	.previous\n"

static inline unsigned long mc_pa(const void *vaddr)
{
	unsigned long paddr;

	asm("1:	addl #0,%0\n" MC_FIXUP(%c2, 1b+2) : "=r"(paddr) : "0"(vaddr), "i"(0 /* m68k_fixup_memoffset */));
	return paddr;
}

static inline void *mc_va(unsigned long paddr)
{
	void *vaddr;

	asm("1:	subl #0,%0\n" MC_FIXUP(%c2, 1b+2) : "=r"(vaddr) : "0"(paddr), "i"(0 /* m68k_fixup_memoffset */));
	return vaddr;
}

static inline int mc_node_shift(void)
{
	int shift;

	asm("1:	moveq #0,%0\n" MC_FIXUP(%c1, 1b) : "=d"(shift) : "i"(1 /* m68k_fixup_vnode_shift */));
	return shift;
}

static int mc_counter;
static int mc_values[4] = { 1, 2, 3, 4 };
static int mc_boot_arg __initdata = 7;

static int mc_double(int x)
{
	return 2 * x + mc_counter;
}

static int mc_square(int x)
{
	return x * x;
}

int (*const mc_ops[])(int) = { mc_double, mc_square, mk_kfunc };

static const char *const mc_names[] = { "double", "square", "kfunc" };

int mk_calls_apply(unsigned int op, int x)
{
	mc_counter++;
	return mk_kfunc2(mc_names[op % 3], mc_ops[op % 3](x));
}

/* a tail call to the kernel: jra mk_kfunc (bra.l, R_68K_PC32) */
int mk_calls_forward(int x)
{
	return mk_kfunc(x + mc_values[x & 3]);
}

unsigned long mk_calls_phys(int i)
{
	return mc_pa(&mc_values[i & 3]) + (unsigned long)mc_va(0x1000) + mc_node_shift();
}

int __init init_module(void)
{
	return mk_calls_apply(mc_boot_arg, 1) < 0 ? -1 : 0;
}

void __exit cleanup_module(void)
{
	mk_calls_forward(mc_counter);
}
