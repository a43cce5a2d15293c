// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading an input file: text traces by name (*.trace), everything else as
 * a fuzz input in the binary form.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_format.h"

/* Larger files cannot decode to more than INPUT_MAX_OPS anyway. */
#define INPUT_MAX_FILE (64UL << 20)

static bool is_text_trace(const char *path)
{
	size_t n = strlen(path);

	return n >= 6 && !strcmp(path + n - 6, ".trace");
}

int input_load(const char *path, struct trace *t, trace_settle_fn settle,
	       char *err, size_t errlen)
{
	FILE *f;
	uint8_t *buf;
	size_t len;
	long size;

	if (is_text_trace(path))
		return trace_parse_file(path, t, err, errlen) ||
		       (settle && settle(t, path, err, errlen)) ? -1 : 0;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		fclose(f);
		return -1;
	}
	if ((unsigned long)size > INPUT_MAX_FILE) {
		snprintf(err, errlen, "%s: %ld bytes, larger than %lu", path,
			 size, INPUT_MAX_FILE);
		fclose(f);
		return -1;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	len = fread(buf, 1, (size_t)size, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	trace_free(t);
	if (trace_decode_settled(buf, len, t, settle)) {
		free(buf);
		snprintf(err, errlen, "%s: out of memory decoding", path);
		return -1;
	}
	free(buf);
	return 0;
}
