#ifndef _LINUX_COMPILER_ATTRIBUTES_H
#define _LINUX_COMPILER_ATTRIBUTES_H

#define __section(s)	__attribute__((__section__(s)))
#define __used		__attribute__((__used__))
#define __unused	__attribute__((__unused__))
#define __aligned(x)	__attribute__((__aligned__(x)))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
#define __visible	__attribute__((__externally_visible__))
#define __noreturn	__attribute__((__noreturn__))

#endif /* _LINUX_COMPILER_ATTRIBUTES_H */
