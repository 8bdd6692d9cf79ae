// drivers/misc/mymod_util.c - part of the composite module mymod
#include <linux/kernel.h>
#include <linux/export.h>

int mymod_compute(int x)
{
	return 2 * x;
}
EXPORT_SYMBOL_GPL(mymod_compute);
