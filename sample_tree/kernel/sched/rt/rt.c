// kernel/sched/rt/rt.c - reaches its parent's header as "../sched.h"
#include "../sched.h"

static unsigned int rt_period_ticks;

void rt_sched_init(void)
{
	rt_period_ticks = CONFIG_HZ;
	runqueue.nr_running++;
}
