// kernel/sched/rt/rt.c - reaches its parent's header as "../sched.h"
#include "../sched.h"

static unsigned int rt_period_ticks;

void rt_sched_init(void)
{
	rt_period_ticks = CONFIG_HZ;
	runqueue.nr_running++;
}

/* Two levels down from kernel/Makefile, whose subdir-ccflags-y defines it */
#ifndef KERNEL_CORE_CODE
# error "subdir-ccflags-y of kernel/Makefile did not reach kernel/sched/rt"
#endif
