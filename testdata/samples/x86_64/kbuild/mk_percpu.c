/*
 * mk_percpu: a module with static per-cpu data (DEFINE_PER_CPU). The kernel allocates its
 * .data..percpu from the per-cpu area's reserve for modules, not from module memory, and
 * relocates the module's per-cpu references against that address.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>

static DEFINE_PER_CPU(unsigned long, mk_percpu_count);
static DEFINE_PER_CPU_ALIGNED(u64, mk_percpu_aligned);

static int __init mk_percpu_init(void)
{
	this_cpu_inc(mk_percpu_count);
	this_cpu_write(mk_percpu_aligned, 42);
	pr_info("mk_percpu: count=%lu\n", this_cpu_read(mk_percpu_count));
	return 0;
}

static void __exit mk_percpu_exit(void)
{
	pr_info("mk_percpu: exit, count=%lu\n", this_cpu_read(mk_percpu_count));
}

module_init(mk_percpu_init);
module_exit(mk_percpu_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: static per-cpu data");
