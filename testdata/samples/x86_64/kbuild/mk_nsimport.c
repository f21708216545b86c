// SPDX-License-Identifier: GPL-2.0
/* mk_nsimport: imports namespace MODKIT_TEST and calls mk_ns_sub. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

extern int mk_ns_sub(int a, int b);

static int __init mk_nsimport_init(void)
{
	pr_info("mk_nsimport: 10-4=%d\n", mk_ns_sub(10, 4));
	return 0;
}

static void __exit mk_nsimport_exit(void)
{
	pr_info("mk_nsimport: exit\n");
}

module_init(mk_nsimport_init);
module_exit(mk_nsimport_exit);
MODULE_IMPORT_NS(MODKIT_TEST);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: imports namespace MODKIT_TEST");
