// drivers/misc/extra.c - the EXTRA_DRIVER symbol (off by default): module extra.ko
// with =m, built in with =y
#include <linux/module.h>

static int __init extra_init(void)
{
	pr_info("extra: loaded\n");
	return 0;
}
module_init(extra_init);
MODULE_LICENSE("GPL");
