// drivers/misc/single.c - a single-file module (or built in with =y)
#include <linux/module.h>

static int __init single_init(void)
{
	pr_info("single: loaded\n");
	return 0;
}
module_init(single_init);
MODULE_LICENSE("GPL");
