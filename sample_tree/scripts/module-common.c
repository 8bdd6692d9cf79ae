// scripts/module-common.c - compiled once into .module-common.o (objtree
// root) and linked into every .ko: the module's version magic
#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/vermagic.h>

MODULE_INFO(vermagic, VERMAGIC_STRING);
