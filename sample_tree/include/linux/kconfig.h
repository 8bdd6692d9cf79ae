#ifndef _LINUX_KCONFIG_H
#define _LINUX_KCONFIG_H

/* Forced into every compile (-include) by LINUXINCLUDE. */
#include <generated/autoconf.h>

/*
 * Testing config symbols from C and from #if:
 *
 *   IS_BUILTIN(CONFIG_FOO)  1 if CONFIG_FOO=y
 *   IS_MODULE(CONFIG_FOO)   1 if CONFIG_FOO=m (autoconf.h then defines
 *                           CONFIG_FOO_MODULE instead of CONFIG_FOO)
 *   IS_ENABLED(CONFIG_FOO)  1 if either
 *
 * A symbol that is set is defined to 1; probing "1" through a placeholder
 * macro turns "defined to 1" into 1 and "not defined" into 0.
 */
#define __kc_probe_1			0,
#define __kc_second(ignored, val, ...)	val
#define __kc_is_one(x)			__kc_is_one_(x)
#define __kc_is_one_(val)		__kc_is_one__(__kc_probe_##val)
#define __kc_is_one__(maybe_comma)	__kc_second(maybe_comma 1, 0)

#define IS_BUILTIN(option)	__kc_is_one(option)
#define IS_MODULE(option)	__kc_is_one(option##_MODULE)
#define IS_ENABLED(option)	(IS_BUILTIN(option) || IS_MODULE(option))

#endif /* _LINUX_KCONFIG_H */
