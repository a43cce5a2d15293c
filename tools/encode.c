// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-encode: turn a text trace into a fuzz input (bytes) that decodes to
 * the same trace, e.g. to seed a corpus from a hand-written scenario.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "run.h"
#include "trace.h"

int main(int argc, char **argv)
{
	struct trace t;
	char err[512];
	uint8_t *buf;
	size_t len;
	FILE *f;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		puts("usage: pcpu-encode IN.trace OUT\n"
		     "Write the binary form (docs/byte-format.md) of a text trace.\n"
		     "Exit status: 0 written, 2 usage or input error.");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pcpu-encode IN.trace OUT (see --help)\n");
		return 2;
	}
	trace_init(&t);
	if (trace_parse_file(argv[1], &t, err, sizeof(err)) ||
	    run_geometry_settle(&t, argv[1], err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		trace_free(&t);
		return 2;
	}
	if (trace_encode(&t, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		trace_free(&t);
		return 2;
	}
	trace_free(&t);
	f = fopen(argv[2], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "%s: cannot write: %s\n", argv[2],
			strerror(errno));
		free(buf);
		return 2;
	}
	free(buf);
	return 0;
}
