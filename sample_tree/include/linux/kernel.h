#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/string.h>
#include <linux/printk.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define min(a, b)	((a) < (b) ? (a) : (b))

/* lib/crc8.c (lib/lib.a) */
u8 crc8(const u8 *data, size_t len);

#endif /* _LINUX_KERNEL_H */
