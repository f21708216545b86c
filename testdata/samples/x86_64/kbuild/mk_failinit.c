// SPDX-License-Identifier: GPL-2.0
/* mk_failinit: init fails with -ENODEV, so the module never becomes live. */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

static int __init mk_failinit_init(void)
{
	pr_info("mk_failinit: failing with -ENODEV\n");
	return -ENODEV;
}

static void __exit mk_failinit_exit(void)
{
	pr_info("mk_failinit: exit (never reached)\n");
}

module_init(mk_failinit_init);
module_exit(mk_failinit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: init returns -ENODEV");
