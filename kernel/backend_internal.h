/* SPDX-License-Identifier: GPL-2.0-only */
/* The linux backend's instance and shared boot, for its backend_*.c files. */
#ifndef BACKEND_INTERNAL_H
#define BACKEND_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "backend_linux.h"
#include "glue.h"
#include "kstate.h"
#include "pcpu.h"

/* a created chunk's id, keyed by its base address while it lives */
struct chunk_id {
	uintptr_t base_addr;
	int id;
};

/* views in id order, rebuilt after the kernel ran */
struct view_cache {
	bool stale;
	int nr;
	int cap;
	struct kglue_chunk *chunks; /* sorted by id */
	int *ids;
	unsigned long *populated;   /* cap * unit-page bitmaps */
	size_t populated_longs;     /* longs per bitmap */
};

struct backend {
	struct pcpu_geometry geo;
	struct pcpu_counters counters;
	bool booting;     /* chunk events of the first chunk's setup */
	bool fresh_setup;
	struct chunk_id *ids; /* live created chunks, ascending id */
	int nr_ids, cap_ids;
	int next_id;
	unsigned long warn_other;
	char last_warning[256];
	struct view_cache *view;
	/* the preemption hook (backend_set_preempt), NULL when none */
	pcpu_preempt_fn preempt_fn;
	void *preempt_arg;
};

/* the first chunk's memory, which mem_snapshot leaves to the backend */
struct first_chunk {
	char *base;                  /* pcpu_base_addr */
	size_t size_sum;             /* bytes of each unit in use */
	unsigned int nr_units;
	unsigned long *unit_offsets; /* copy: per CPU */
	char *image;                 /* one unit as setup left it */
	unsigned long *dirty;        /* unit pages written since */
	size_t nr_pages;
	size_t ps;
};

/* the one boot the instances share (backend_snapshot.c) */
struct linux_snapshot {
	struct kstate_image boot; /* before any kernel code ran */
	bool have_post;
	struct pcpu_geometry geo;
	struct kstate_image post; /* after the kernel's setup */
	enum kglue_setup path;
	struct first_chunk fc;
	bool clean;               /* kernel and memory are at the snapshot */
	struct backend *live;
	unsigned long fresh_setups, restores;
};
extern struct linux_snapshot linux_snap;
extern const char *const linux_setup_names[];

int backend_chunk_id(const struct backend *b, const struct kglue_chunk *c);
void backend_view_free(struct view_cache *v);
/* boot the kernel for a geometry, in this process, and snapshot it */
int linux_boot(struct backend *b, const struct pcpu_geometry *g, char *err,
	       size_t errlen);
/* the kernel's state and the memory back to the snapshot */
void linux_back_to_snapshot(void);
/* the first chunk as right after setup: 0, or -1 and where it differs */
int linux_check_pristine(char *err, size_t errlen);
/* an allocation wrote [off, off + size) of every unit of the first chunk */
void linux_first_chunk_mark(size_t off, size_t size);

#define REFUSE(...)                                                         \
	do {                                                                \
		snprintf(err, errlen, __VA_ARGS__);                         \
		return -1;                                                  \
	} while (0)

#endif /* BACKEND_INTERNAL_H */
