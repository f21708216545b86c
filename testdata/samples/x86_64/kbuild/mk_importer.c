// SPDX-License-Identifier: GPL-2.0
/* mk_importer: uses mk_add (plain) and mk_gpl_mul (GPL-only) from mk_exporter. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

extern int mk_add(int a, int b);
extern int mk_gpl_mul(int a, int b);
extern int mk_counter;

static int __init mk_importer_init(void)
{
	pr_info("mk_importer: 2+3=%d 4*5=%d counter=%d\n",
		mk_add(2, 3), mk_gpl_mul(4, 5), mk_counter);
	return 0;
}

static void __exit mk_importer_exit(void)
{
	pr_info("mk_importer: exit\n");
}

module_init(mk_importer_init);
module_exit(mk_importer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: imports from mk_exporter");
