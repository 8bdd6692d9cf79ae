#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <linux/kern_levels.h>

/* Included by nearly every object through <linux/kernel.h>. */
#ifdef CONFIG_DEFAULT_LOGLEVEL
#define DEFAULT_LOGLEVEL	CONFIG_DEFAULT_LOGLEVEL
#else
#define DEFAULT_LOGLEVEL	4
#endif

#ifdef CONFIG_PRINTK
__printf(1, 2) int printk(const char *fmt, ...);
#else
static inline __printf(1, 2) int printk(const char *fmt, ...)
{
	return 0;
}
#endif

#define pr_info(fmt, ...)	printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR fmt, ##__VA_ARGS__)

#endif /* _LINUX_PRINTK_H */
