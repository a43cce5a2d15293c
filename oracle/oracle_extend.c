/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Area-map capacity (docs/allocator.md §4).  The oracle has no map array; it
 * only tracks the capacity the kernel's map would have, because the margins
 * decide whether a chunk is tried, skipped, queued or grown (§13.2).
 */
#include "oracle_internal.h"

/*
 * §4.1 pcpu_need_to_extend: 0, or the new capacity (smallest of 16, 32,
 * 64, ... reaching map_used + margin).  An atomic request also queues the
 * chunk for asynchronous growth when fewer than 32 spare entries remain,
 * which schedules balance work (§9 trigger (a)).
 */
int oracle_need_to_extend(struct oracle *o, struct oracle_chunk *c,
			  bool atomic)
{
	int margin, new_alloc;

	if (atomic) {
		margin = ORACLE_ATOMIC_MARGIN_HARD;
		if (c->map_alloc < c->nr_blocks + ORACLE_ATOMIC_MARGIN_LOW &&
		    !c->on_extend_list) {
			oracle_idlist_push_tail(&o->extend_queue, c->id);
			c->on_extend_list = true;
			oracle_chunk_changed(c);
			o->balance_pending = true;
		}
	} else {
		margin = ORACLE_ATOMIC_MARGIN_HIGH;
	}

	if (c->map_alloc >= c->nr_blocks + margin)
		return 0;

	new_alloc = ORACLE_DFL_MAP_ALLOC;
	while (new_alloc < c->nr_blocks + margin)
		new_alloc *= 2;
	return new_alloc;
}

/*
 * §4.2 pcpu_extend_area_map: only map_alloc changes.  An armed "map"
 * failure makes the attempt fail with nothing changed.
 */
bool oracle_extend_map(struct oracle *o, struct oracle_chunk *c,
		       int new_alloc)
{
	if (oracle_take_fault(o, PCPU_FAULT_MAP))
		return false;
	if (new_alloc > c->map_alloc) {
		c->map_alloc = new_alloc;
		oracle_chunk_changed(c);
	}
	oracle_point(o, "extend-done");
	return true;
}
