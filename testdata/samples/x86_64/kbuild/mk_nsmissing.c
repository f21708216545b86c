// SPDX-License-Identifier: GPL-2.0
/*
 * mk_nsmissing: calls mk_ns_sub (namespace MODKIT_TEST) but deliberately
 * lacks MODULE_IMPORT_NS(MODKIT_TEST). A loader must reject it.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

extern int mk_ns_sub(int a, int b);

static int __init mk_nsmissing_init(void)
{
	pr_info("mk_nsmissing: 10-4=%d\n", mk_ns_sub(10, 4));
	return 0;
}

static void __exit mk_nsmissing_exit(void)
{
	pr_info("mk_nsmissing: exit\n");
}

module_init(mk_nsmissing_init);
module_exit(mk_nsmissing_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: uses a namespaced symbol without importing it");
