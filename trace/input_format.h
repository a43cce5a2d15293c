/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The binary form of a trace (fuzz inputs), version 4.  The layout is
 * documented in docs/byte-format.md; any change that makes an old corpus file
 * decode differently must bump INPUT_FORMAT_VERSION, and the decoder keeps
 * reading the older versions' inputs as they did (input_version()).
 */
#ifndef PCPU_FUZZ_INPUT_FORMAT_H
#define PCPU_FUZZ_INPUT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define INPUT_FORMAT_VERSION 4
/* Version bytes 1 to 3 read as version 3 (every decoder before 4 did). */
#define INPUT_LEGACY_VERSION 3
/* Bounds per input: longer inputs are cut, extra allocs become no-ops. */
#define INPUT_MAX_OPS 4096
#define INPUT_MAX_LIVE 512
/* Most copies one operation with burst prefixes decodes to. */
#define INPUT_BURST_MAX 64

/*
 * The rules an input is read by, from its version byte: 1 to 3 read as
 * version 3 (no nesting, no bursts), everything else as the newest.  A
 * later version keeps its own byte for itself and decodes 4 as 4.
 */
static inline unsigned input_version(uint8_t byte0)
{
	return byte0 >= 1 && byte0 <= INPUT_LEGACY_VERSION ?
		       INPUT_LEGACY_VERSION :
		       INPUT_FORMAT_VERSION;
}

/* How many names of trace_points[] (points.h) a version's point byte picks from. */
static inline unsigned input_points_known(unsigned version)
{
	return version >= 4 ? 22 : 0;
}

/*
 * Decode any byte string into a valid trace; no input is rejected.
 * Returns 0, or -1 only when out of memory.
 */
int trace_decode(const uint8_t *data, size_t len, struct trace *t);
/*
 * trace_decode() for a run: after the header, settle (when not NULL)
 * replaces its geometry with the one the run has, and the operations'
 * page-relative sizes are read in that geometry's pages.  A byte header is
 * never refused (repaired, or the backend's default), so this fails only
 * when out of memory.
 */
int trace_decode_settled(const uint8_t *data, size_t len, struct trace *t,
			 trace_settle_fn settle);

/*
 * Encode a trace into bytes that decode to the same trace.  Returns 0 with
 * a malloc'd buffer, or -1 with a reason (e.g. more than INPUT_MAX_OPS
 * operations) in err.
 */
int trace_encode(const struct trace *t, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen);

/* The inputs a tool was given (trace/input_list.c). */
struct input_list {
	char **paths;
	size_t n, cap;
};
/*
 * Add a file, or a directory's regular files in name order (dot files
 * skipped).  0, or -1 after a one-line error naming the path on stderr.
 */
int input_list_collect(struct input_list *l, const char *path);
void input_list_free(struct input_list *l);

/*
 * Load a .trace text file, or decode any other file as a fuzz input; with
 * settle (not NULL) the geometry is then the one a run has (a text
 * geometry line the backend refuses: -1 naming the line).  0, or -1 with
 * one line in err.
 */
int input_load(const char *path, struct trace *t, trace_settle_fn settle,
	       char *err, size_t errlen);

#endif /* PCPU_FUZZ_INPUT_FORMAT_H */
