// scripts/module-common.c - compiled once into .module-common.o (objtree
// root) and linked into every .ko
#include <linux/module.h>
#include <generated/utsrelease.h>

MODULE_INFO(vermagic, UTS_RELEASE " SMP mod_unload");
