#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/stringify.h>

struct module {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

#ifdef CONFIG_MODULES
extern struct module __this_module;
#define THIS_MODULE	(&__this_module)
#else
#define THIS_MODULE	((struct module *)0)
#endif

#define __MODINFO_NAME(tag, n)	__mod_##tag##_##n
#define __MODINFO_UNIQ(tag, n)	__MODINFO_NAME(tag, n)
#define MODULE_INFO(tag, info) \
	static const char __MODINFO_UNIQ(tag, __COUNTER__)[] \
	__used __section(".modinfo") __aligned(1) = __stringify(tag) "=" info

#define MODULE_LICENSE(l)	MODULE_INFO(license, l)
#define MODULE_DESCRIPTION(d)	MODULE_INFO(description, d)

#ifdef MODULE
/* A module's entry points are found by name by the module loader. */
#define module_init(fn)	int init_module(void) __attribute__((alias(#fn)))
#define module_exit(fn)	void cleanup_module(void) __attribute__((alias(#fn)))
#else
#define module_init(fn)	device_initcall(fn)
/* Built in, exit code is never run: vmlinux.lds discards it. */
#define module_exit(fn) \
	static void (*__exitcall_##fn)(void) __used __section(".exitcall.exit") = fn
#endif

#endif /* _LINUX_MODULE_H */
