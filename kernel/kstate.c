// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel file's static state, saved and restored as bytes.  The glue
 * object's .data and .bss were renamed to kpcpu_data and kpcpu_bss
 * (state-sections.sh), so the linker brackets exactly the glue unit's
 * variables (percpu.c's globals, its function-local statics, the shim's
 * once-flags, and the sanitizers' per-unit data that the kernel never
 * touches).  Copies are done word by word outside ASan's view: the
 * sections include the red zones ASan puts around instrumented globals.
 */
#include <stdlib.h>
#include <string.h>

#include "kstate.h"

extern char __start_kpcpu_data[] __attribute__((weak));
extern char __stop_kpcpu_data[] __attribute__((weak));
extern char __start_kpcpu_bss[] __attribute__((weak));
extern char __stop_kpcpu_bss[] __attribute__((weak));

static size_t span(const char *a, const char *b)
{
	return a && b > a ? (size_t)(b - a) : 0;
}

size_t kstate_size(void)
{
	return span(__start_kpcpu_data, __stop_kpcpu_data) +
	       span(__start_kpcpu_bss, __stop_kpcpu_bss);
}

/* volatile: never turned into a (sanitizer-checked) memcpy call */
__attribute__((no_sanitize_address)) static void
raw_copy(char *dst, const char *src, size_t n)
{
	volatile unsigned char *d = (volatile unsigned char *)dst;
	const volatile unsigned char *s = (const volatile unsigned char *)src;

	if (!(((uintptr_t)dst | (uintptr_t)src) % sizeof(unsigned long))) {
		volatile unsigned long *dw = (volatile unsigned long *)dst;
		const volatile unsigned long *sw =
			(const volatile unsigned long *)src;

		for (; n >= sizeof(unsigned long); n -= sizeof(unsigned long))
			*dw++ = *sw++;
		d = (volatile unsigned char *)dw;
		s = (const volatile unsigned char *)sw;
	}
	while (n--)
		*d++ = *s++;
}

int kstate_save(struct kstate_image *img)
{
	size_t nd = span(__start_kpcpu_data, __stop_kpcpu_data);
	size_t nb = span(__start_kpcpu_bss, __stop_kpcpu_bss);

	if (!img->buf) {
		img->buf = malloc(nd + nb + 1);
		if (!img->buf)
			return -1;
	}
	raw_copy(img->buf, __start_kpcpu_data, nd);
	raw_copy(img->buf + nd, __start_kpcpu_bss, nb);
	img->len = nd + nb;
	return 0;
}

void kstate_load(const struct kstate_image *img)
{
	size_t nd = span(__start_kpcpu_data, __stop_kpcpu_data);
	size_t nb = span(__start_kpcpu_bss, __stop_kpcpu_bss);

	raw_copy(__start_kpcpu_data, img->buf, nd);
	raw_copy(__start_kpcpu_bss, img->buf + nd, nb);
}

void kstate_free(struct kstate_image *img)
{
	free(img->buf);
	img->buf = NULL;
	img->len = 0;
}
