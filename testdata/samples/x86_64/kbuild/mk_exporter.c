// SPDX-License-Identifier: GPL-2.0
/* mk_exporter: exports a plain, a GPL-only, a namespaced symbol and a variable. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

int mk_counter = 1000;
EXPORT_SYMBOL(mk_counter);

int mk_add(int a, int b)
{
	mk_counter++;
	return a + b;
}
EXPORT_SYMBOL(mk_add);

int mk_gpl_mul(int a, int b)
{
	mk_counter++;
	return a * b;
}
EXPORT_SYMBOL_GPL(mk_gpl_mul);

int mk_ns_sub(int a, int b)
{
	mk_counter++;
	return a - b;
}
EXPORT_SYMBOL_NS_GPL(mk_ns_sub, MODKIT_TEST);

static int mk_boot_values[] __initdata = { 3, 5, 7, 11 };

static int __init mk_exporter_init(void)
{
	int i, sum = 0;

	for (i = 0; i < ARRAY_SIZE(mk_boot_values); i++)
		sum += mk_boot_values[i];
	mk_counter += sum;
	pr_info("mk_exporter: loaded, counter=%d\n", mk_counter);
	return 0;
}

static void __exit mk_exporter_exit(void)
{
	pr_info("mk_exporter: unloading, counter=%d\n", mk_counter);
}

module_init(mk_exporter_init);
module_exit(mk_exporter_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: exports plain, GPL-only and namespaced symbols");
