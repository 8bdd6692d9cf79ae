// drivers/net/netdev.c - reaches drivers/common/helper.h as "../common/helper.h"
#include <linux/kernel.h>
#include <linux/module.h>
#include "../common/helper.h"

int netqueue_setup(void);
#ifdef CONFIG_NET_STATS
void netstats_account(unsigned int bytes);
#endif

static int __init netdev_init(void)
{
	unsigned int sum = helper_checksum("eth0", 4);

#ifdef CONFIG_NET_STATS
	netstats_account(sum);
#endif
	pr_info("netdev: eth0 checksum %u\n", sum);
#ifdef CONFIG_NET_DEBUG_VERBOSE
	pr_info("netdev: queues set up with verbose debugging\n");
#endif
	return netqueue_setup();
}
module_init(netdev_init);
