// init/main.c - start_kernel() of the sample tree
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/module.h>
#include <generated/version.h>
#include <generated/utsrelease.h>

void setup_arch(void);
void sched_init(void);
extern const char linux_banner[];

/* CONFIG_DEFAULT_HOSTNAME is used here only, in code (string symbol). */
static const char default_hostname[] = CONFIG_DEFAULT_HOSTNAME;

const unsigned int linux_version_code = LINUX_VERSION_CODE;
const char uts_release[] = UTS_RELEASE;

/* The "_MODULE" form is what autoconf.h defines for a symbol set to m. */
#if defined(CONFIG_MYMOD) || defined(CONFIG_MYMOD_MODULE)
static const char mymod_note[] = "mymod configured";
#else
static const char mymod_note[] = "mymod not configured";
#endif

static int __init do_initcalls(void)
{
	initcall_t *fn;
	int ret = 0;

	for (fn = __initcall_start; fn < __initcall_end; fn++)
		ret |= (*fn)();
	return ret;
}

__noreturn void start_kernel(void)
{
	setup_arch();
	pr_info("%s", linux_banner);
	pr_info("hostname %s, release %s, %s\n", default_hostname, uts_release,
		mymod_note);
	sched_init();
	do_initcalls();
	for (;;)
		;
}
