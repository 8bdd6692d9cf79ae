// drivers/misc/chardev.c - always built in
#include <linux/module.h>

static int __init chardev_init(void)
{
	pr_info("chardev: ready\n");
	return 0;
}
module_init(chardev_init);
