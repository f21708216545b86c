// SPDX-License-Identifier: GPL-2.0
/*
 * mk_jumptable: a static key (-> __jump_table), a const table of function
 * pointers in .rodata (-> R_X86_64_64) and a switch.
 */
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/module.h>

static DEFINE_STATIC_KEY_FALSE(mk_fast_path);

static noinline int op_add(int a, int b) { return a + b; }
static noinline int op_sub(int a, int b) { return a - b; }
static noinline int op_mul(int a, int b) { return a * b; }
static noinline int op_xor(int a, int b) { return a ^ b; }

typedef int (*mk_op_fn)(int, int);

static const mk_op_fn mk_ops[] = { op_add, op_sub, op_mul, op_xor };
static const char *const mk_op_names[] = { "add", "sub", "mul", "xor" };

static noinline int mk_classify(int v)
{
	switch (v) {
	case 0: return 100;
	case 1: return 211;
	case 2: return 322;
	case 3: return 433;
	case 4: return 544;
	case 5: return 655;
	case 6: return 766;
	case 7: return 877;
	default: return -1;
	}
}

static noinline int mk_compute(unsigned int op, int a, int b)
{
	if (static_branch_unlikely(&mk_fast_path))
		return 0;
	if (op >= ARRAY_SIZE(mk_ops))
		return -1;
	return mk_ops[op](a, b);
}

static int __init mk_jumptable_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mk_ops); i++)
		pr_info("mk_jumptable: %s(7,3)=%d class=%d\n", mk_op_names[i],
			mk_compute(i, 7, 3), mk_classify(i));
	static_branch_enable(&mk_fast_path);
	pr_info("mk_jumptable: fast path -> %d\n", mk_compute(0, 7, 3));
	return 0;
}

static void __exit mk_jumptable_exit(void)
{
	static_branch_disable(&mk_fast_path);
	pr_info("mk_jumptable: exit class=%d\n", mk_classify(7));
}

module_init(mk_jumptable_init);
module_exit(mk_jumptable_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: static key, function pointer table, switch");
