#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#include <linux/compiler_attributes.h>

typedef int (*initcall_t)(void);

#define __init		__section(".init.text")
#define __exit		__section(".exit.text")
#define __initdata	__section(".init.data")

/* Built-in initcalls are collected between __initcall_start/__initcall_end. */
#define device_initcall(fn) \
	static initcall_t __initcall_##fn __used __section(".initcall6.init") = fn

extern initcall_t __initcall_start[], __initcall_end[];

#endif /* _LINUX_INIT_H */
