#ifndef _KERNEL_SCHED_SCHED_H
#define _KERNEL_SCHED_SCHED_H

#include <linux/kernel.h>

/* Included by kernel/sched/core.c and, as "../sched.h", kernel/sched/rt/rt.c */
#define TICK_NSEC	(1000000000ULL / CONFIG_HZ)

struct rq {
	u64 clock;
	unsigned int nr_running;
};

extern struct rq runqueue;
void rt_sched_init(void);

#endif /* _KERNEL_SCHED_SCHED_H */
