// SPDX-License-Identifier: GPL-2.0
/* mk_params: one module parameter of every standard type. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int p_int = -42;
module_param(p_int, int, 0644);
MODULE_PARM_DESC(p_int, "an int");

static unsigned int p_uint = 42;
module_param(p_uint, uint, 0644);
MODULE_PARM_DESC(p_uint, "an unsigned int");

static long p_long = -100000;
module_param(p_long, long, 0444);
MODULE_PARM_DESC(p_long, "a long");

static unsigned long p_ulong = 100000;
module_param(p_ulong, ulong, 0444);
MODULE_PARM_DESC(p_ulong, "an unsigned long");

static short p_short = -7;
module_param(p_short, short, 0444);
MODULE_PARM_DESC(p_short, "a short");

static unsigned short p_ushort = 7;
module_param(p_ushort, ushort, 0444);
MODULE_PARM_DESC(p_ushort, "an unsigned short");

static unsigned char p_byte = 0x5a;
module_param(p_byte, byte, 0444);
MODULE_PARM_DESC(p_byte, "a byte");

static bool p_bool = true;
module_param(p_bool, bool, 0644);
MODULE_PARM_DESC(p_bool, "a bool");

static bool p_invbool;
module_param(p_invbool, invbool, 0644);
MODULE_PARM_DESC(p_invbool, "an inverted bool");

static char *p_charp = "hello";
module_param(p_charp, charp, 0444);
MODULE_PARM_DESC(p_charp, "a char pointer");

static unsigned int p_hexint = 0xbeef;
module_param(p_hexint, hexint, 0644);
MODULE_PARM_DESC(p_hexint, "a hex int");

static int p_array[4] = { 1, 2, 3, 4 };
static unsigned int p_array_n = 4;
module_param_array(p_array, int, &p_array_n, 0444);
MODULE_PARM_DESC(p_array, "an array of up to 4 ints");

static char p_string[16] = "default";
module_param_string(p_string, p_string, sizeof(p_string), 0644);
MODULE_PARM_DESC(p_string, "a string copied into a 16-byte buffer");

static int __init mk_params_init(void)
{
	unsigned int i;

	pr_info("mk_params: int=%d uint=%u long=%ld ulong=%lu\n",
		p_int, p_uint, p_long, p_ulong);
	pr_info("mk_params: short=%hd ushort=%hu byte=0x%02x bool=%d invbool=%d\n",
		p_short, p_ushort, p_byte, p_bool, p_invbool);
	pr_info("mk_params: charp=%s hexint=0x%x string=%s\n",
		p_charp ? p_charp : "(null)", p_hexint, p_string);
	for (i = 0; i < p_array_n; i++)
		pr_info("mk_params: array[%u]=%d\n", i, p_array[i]);
	return 0;
}

static void __exit mk_params_exit(void)
{
	pr_info("mk_params: exit\n");
}

module_init(mk_params_init);
module_exit(mk_params_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: module parameters of every type");
MODULE_AUTHOR("modkit");
