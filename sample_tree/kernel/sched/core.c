// kernel/sched/core.c
#include "sched.h"
#include <linux/export.h>

struct rq runqueue;
EXPORT_SYMBOL_GPL(runqueue);

void sched_init(void)
{
	runqueue.clock = TICK_NSEC;
	runqueue.nr_running = 0;
	rt_sched_init();
	pr_info("sched: tick %llu ns (%u us)\n", TICK_NSEC, TICK_USEC);
}
