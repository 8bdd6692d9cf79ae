#ifndef _LINUX_VERMAGIC_H
#define _LINUX_VERMAGIC_H

/*
 * The version magic of a module: the kernel release first, so every .ko
 * (through scripts/module-common.c, linked into each) is relinked when
 * include/generated/utsrelease.h changes (the local version, the top
 * Makefile's VERSION ... EXTRAVERSION).
 */
#ifndef INCLUDE_VERMAGIC
#error "This header can be included from scripts/module-common.c only"
#endif

#include <generated/utsrelease.h>

#define MODULE_VERMAGIC_SMP		"SMP "
#define MODULE_VERMAGIC_MODULE_UNLOAD	"mod_unload "

#define VERMAGIC_STRING						\
	UTS_RELEASE " "						\
	MODULE_VERMAGIC_SMP MODULE_VERMAGIC_MODULE_UNLOAD

#endif /* _LINUX_VERMAGIC_H */
