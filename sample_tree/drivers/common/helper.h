#ifndef _DRIVERS_COMMON_HELPER_H
#define _DRIVERS_COMMON_HELPER_H

#include <linux/kernel.h>

/*
 * Small helpers shared by drivers.  Extra consistency checks used to live
 * here under CONFIG_NET_DEBUG; only this comment mentions the symbol now,
 * which still makes every includer depend on it (fixdep scans text).
 */
static inline unsigned int helper_checksum(const char *p, size_t len)
{
	return crc8((const u8 *)p, len);
}

#endif /* _DRIVERS_COMMON_HELPER_H */
