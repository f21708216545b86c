/* Test fixture for modkit; it declares a "Proprietary" licence on purpose. */
/*
 * mk_proprietary: a non-GPL module that calls a GPL-only vmlinux export
 * (ktime_get) and a plain one (get_random_u32). A loader must refuse the
 * GPL-only symbol ("Unknown symbol ktime_get").
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/timekeeping.h>

static int __init mk_proprietary_init(void)
{
	ktime_t now = ktime_get();		/* EXPORT_SYMBOL_GPL */
	u32 r = get_random_u32();		/* EXPORT_SYMBOL */

	pr_info("mk_proprietary: now=%lld random=%u\n", (long long)now, r);
	return 0;
}

static void __exit mk_proprietary_exit(void)
{
	pr_info("mk_proprietary: exit\n");
}

module_init(mk_proprietary_init);
module_exit(mk_proprietary_exit);
MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("modkit test: proprietary module using a GPL-only export");
