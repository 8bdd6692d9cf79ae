#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H

#include <linux/types.h>

/* lib/string.c (lib/lib.a) */
size_t strlen(const char *s);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int strcmp(const char *a, const char *b);

#endif /* _LINUX_STRING_H */
