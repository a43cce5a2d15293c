/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * linux-smoke's preemption-point scenarios (preempt.c), run from its
 * main (smoke.c), whose CHECK counters they add to.
 */
#ifndef LINUX_PREEMPT_H
#define LINUX_PREEMPT_H

#include <stdbool.h>

#include "pcpu.h"

/* linux-smoke's CHECK counters, defined in smoke.c */
extern int passed, failed;

/*
 * The hook of backend_set_preempt() (docs/interleavings.md §2.2): it is
 * called at the kernel's releases of pcpu_lock, and operations it runs
 * there must leave every check passing, on geometry g of the vm or km
 * flavour.
 */
void test_preempt(const struct pcpu_geometry *g, bool km);

#endif /* LINUX_PREEMPT_H */
