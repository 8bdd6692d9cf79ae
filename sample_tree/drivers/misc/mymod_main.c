// drivers/misc/mymod_main.c - part of the composite module mymod
#include <linux/module.h>

int mymod_compute(int x);

static int __init mymod_init(void)
{
	pr_info("mymod: %d\n", mymod_compute(21));
	return 0;
}

static void __exit mymod_exit(void)
{
}

module_init(mymod_init);
module_exit(mymod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("composite sample module");
