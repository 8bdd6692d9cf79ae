#ifndef _DRIVERS_COMMON_HW_QUEUE_REGS_H
#define _DRIVERS_COMMON_HW_QUEUE_REGS_H

#include <linux/types.h>

#define NR_HW_QUEUES	CONFIG_NR_QUEUES

struct queue_regs {
	u32 head;
	u32 tail;
};

#endif /* _DRIVERS_COMMON_HW_QUEUE_REGS_H */
