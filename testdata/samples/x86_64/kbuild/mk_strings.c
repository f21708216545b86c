// SPDX-License-Identifier: GPL-2.0
/* mk_strings: several string tables (.rodata.str1.* and pointers to them). */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

static const char *const mk_colours[] = {
	"red", "green", "blue", "cyan", "magenta", "yellow", "black", "white",
};

static const char *const mk_planets[] = {
	"mercury", "venus", "earth", "mars", "jupiter", "saturn", "uranus", "neptune",
};

/* shares tails with the tables above ("earth" / "art", "blue" / "ue") */
static const char *const mk_suffixes[] = {
	"art", "ue", "ite", "", "n", "red",
};

static const char mk_banner[] = "mk_strings: banner kept in .rodata as an array";

static void mk_dump(const char *what, const char *const *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		pr_info("mk_strings: %s[%zu]=\"%s\"\n", what, i, tab[i]);
}

static int __init mk_strings_init(void)
{
	pr_info("%s\n", mk_banner);
	mk_dump("colour", mk_colours, ARRAY_SIZE(mk_colours));
	mk_dump("planet", mk_planets, ARRAY_SIZE(mk_planets));
	mk_dump("suffix", mk_suffixes, ARRAY_SIZE(mk_suffixes));
	return 0;
}

static void __exit mk_strings_exit(void)
{
	pr_info("mk_strings: exit (%s)\n", mk_planets[2]);
}

module_init(mk_strings_init);
module_exit(mk_strings_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modkit test: string tables");
