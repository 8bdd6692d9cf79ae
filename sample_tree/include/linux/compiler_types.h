#ifndef _LINUX_COMPILER_TYPES_H
#define _LINUX_COMPILER_TYPES_H

/* Forced into every C compile (-include) by scripts/Makefile.lib. */
#ifndef __ASSEMBLY__
#include <linux/compiler_attributes.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#endif /* _LINUX_COMPILER_TYPES_H */
