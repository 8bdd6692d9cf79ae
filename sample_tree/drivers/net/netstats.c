// drivers/net/netstats.c - part of netcore.o only with CONFIG_NET_STATS=y
// (not built by the default configuration)
#include <linux/kernel.h>

static u64 rx_bytes;

void netstats_account(unsigned int bytes)
{
	rx_bytes += bytes;
}
