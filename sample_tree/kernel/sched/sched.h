#ifndef _KERNEL_SCHED_SCHED_H
#define _KERNEL_SCHED_SCHED_H

#include <linux/kernel.h>
#include <generated/timeconst.h>

/*
 * Included by kernel/sched/core.c and, as "../sched.h", kernel/sched/rt/rt.c.
 * CONFIG_HZ is derived from the timer frequency choice (CONFIG_HZ_100,
 * CONFIG_HZ_250 or CONFIG_HZ_1000); the top Makefile generates timeconst.h
 * from it.
 */
#define TICK_NSEC	(1000000000ULL / CONFIG_HZ)
#define TICK_USEC	HZ_TO_USEC

struct rq {
	u64 clock;
	unsigned int nr_running;
};

extern struct rq runqueue;
void rt_sched_init(void);

#endif /* _KERNEL_SCHED_SCHED_H */
