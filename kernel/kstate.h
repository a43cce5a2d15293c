/* SPDX-License-Identifier: GPL-2.0-only */
/* Save and restore the glue unit's static state (kstate.c). */
#ifndef KSTATE_H
#define KSTATE_H

#include <stddef.h>
#include <stdint.h>

struct kstate_image {
	char *buf;
	size_t len;
};

/* Bytes of state; 0 when the glue object was not renamed (a build bug). */
size_t kstate_size(void);
/* Save into img (allocated on first use); -1 when out of memory. */
int kstate_save(struct kstate_image *img);
void kstate_load(const struct kstate_image *img);
void kstate_free(struct kstate_image *img);

#endif /* KSTATE_H */
