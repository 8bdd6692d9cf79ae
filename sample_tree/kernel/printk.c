// kernel/printk.c - a log buffer; built only with CONFIG_PRINTK=y
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/export.h>

/* CONFIG_LOG_BUF_SHIFT is mentioned in this source file only. */
#define LOG_BUF_LEN	(1 << CONFIG_LOG_BUF_SHIFT)

static char log_buf[LOG_BUF_LEN];
static size_t log_pos;
int console_loglevel = DEFAULT_LOGLEVEL;
EXPORT_SYMBOL_GPL(console_loglevel);

int printk(const char *fmt, ...)
{
	size_t len = strlen(fmt);

	if (len > LOG_BUF_LEN - log_pos)
		len = LOG_BUF_LEN - log_pos;
	memcpy(log_buf + log_pos, fmt, len);
	log_pos += len;
	return (int)len;
}
EXPORT_SYMBOL(printk);
