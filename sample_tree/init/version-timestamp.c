// init/version-timestamp.c - the banner, rebuilt on every link of vmlinux
//
// Compiled with -include include/generated/utsversion.h (UTS_VERSION).
#include <linux/types.h>
#include <generated/utsrelease.h>

const char linux_banner[] =
	"Linux version " UTS_RELEASE " " UTS_VERSION "\n";
