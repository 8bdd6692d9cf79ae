// drivers/net/netqueue.c
//
// The register header is named through a macro, the way trace headers use
// TRACE_INCLUDE_PATH: the depfile then spells it ".../hw//queue_regs.h".
#include <linux/kernel.h>
#include <linux/stringify.h>
#include "../common/helper.h"

#define QUEUE_REGS_DIR hw/
#include __stringify(QUEUE_REGS_DIR/queue_regs.h)

static struct queue_regs queues[NR_HW_QUEUES];

int netqueue_setup(void)
{
	unsigned int i;

	for (i = 0; i < NR_HW_QUEUES; i++)
		queues[i].tail = helper_checksum("q", 1) + i;
	return 0;
}
