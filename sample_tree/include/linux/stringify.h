#ifndef _LINUX_STRINGIFY_H
#define _LINUX_STRINGIFY_H

/*
 * __stringify(x) expands x first, then makes a string of it.  Also used to
 * build #include names out of macros (like TRACE_INCLUDE_PATH does).
 */
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#endif /* _LINUX_STRINGIFY_H */
