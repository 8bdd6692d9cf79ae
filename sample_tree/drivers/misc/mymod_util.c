// drivers/misc/mymod_util.c - part of the composite module mymod
#include <linux/kernel.h>

int mymod_compute(int x)
{
	return 2 * x;
}
