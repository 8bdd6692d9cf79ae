// arch/boot/misc.c - uses the vmlinux layout from the generated voffset.h
// (found in the objtree through -Iarch/boot)
#include <linux/types.h>

#define _AC(x, y)	((u64)(x))

#include "voffset.h"

const u64 vo_text = VO__text;
const u64 vo_start_rodata = VO___start_rodata;
const u64 vo_bss_start = VO___bss_start;
const u64 vo_end = VO__end;

u64 kernel_image_size(void)
{
	return vo_end - vo_text;
}
