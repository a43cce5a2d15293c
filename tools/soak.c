// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-soak: the false-alarm test.  Generates many long pseudo-random
 * byte strings from a fixed seed, decodes each into a trace (the decoder
 * is total) and runs it with every check.  With PCPU_FIXES=all every run
 * must pass: a failure is either a bug in the port or a false alarm of the
 * oracle or the checks, and the failing input is saved for replay.
 * Deterministic: the same options always generate the same inputs.  On a
 * linux backend (build/linux-<v>/pcpu-soak) the same: with
 * PCPU_NONFATAL=hint no safety or accounting check may fail; without it,
 * the first hint finding stops the run and its input is saved, ready for
 * pcpu-minimize.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "options.h"
#include "run.h"

void death_report_install(void);

static void usage(FILE *f)
{
	fputs("usage: pcpu-soak [--count=N] [--seed=S] [--max-len=BYTES] [--save=DIR]\n"
	      "Run N pseudo-random fuzz inputs (lengths BYTES/8 to BYTES) with every\n"
	      "check; stop at the first failure and save its bytes in DIR.\n"
	      "Defaults: --count=1000 --seed=1 --max-len=4096 --save=.\n"
	      "Exit status: 0 all passed, 1 a check failed, 2 usage error.\n"
	      "The false-alarm test runs with PCPU_FIXES=all.\n",
	      f);
	tool_usage_env(f, TOOL_NONFATAL | TOOL_SWEEP);
}

/* splitmix64: a fixed, portable generator (no libc rand state). */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int save_input(const char *dir, unsigned long seed, unsigned long i,
		      const uint8_t *buf, size_t len, char *path, size_t plen)
{
	FILE *f;

	snprintf(path, plen, "%s/soak-%lu-%lu.bin", dir, seed, i);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "max-len", required_argument, NULL, 'l' },
		{ "save", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool tool = { .name = "pcpu-soak", .usage = usage,
			     .common = TOOL_NONFATAL | TOOL_SWEEP };
	struct run_nonfatal counted = { 0 };
	unsigned long count = 1000, seed = 1, max_len = 4096;
	const char *dir = ".";
	struct run_options opt = { .checks = true, .report = stderr };
	char name[64];
	uint8_t *buf;
	int ch;

	while ((ch = tool_getopt(&tool, argc, argv, NULL, opts)) != -1) {
		switch (ch) {
		case 'c':
			if (tool_number(&tool, "count", optarg, 1, 100000000, &count))
				return 2;
			break;
		case 's':
			if (tool_number(&tool, "seed", optarg, 0, ~0UL, &seed))
				return 2;
			break;
		case 'l':
			if (tool_number(&tool, "max-len", optarg, 8, 1 << 20, &max_len))
				return 2;
			break;
		case 'd':
			dir = optarg;
			break;
		}
	}
	/* PCPU_FIXES only: soak takes no --fix */
	if (tool_finish(&tool, argc, argv))
		return 2;
	opt.fixes = tool.fixes;
	opt.nonfatal_policy = tool.nonfatal;
	opt.nonfatal = &counted;
	opt.sweep_every = tool.sweep_every;
	death_report_install();
	buf = malloc(max_len);
	if (!buf) {
		fprintf(stderr, "pcpu-soak: out of memory\n");
		return 2;
	}

	uint64_t state = seed;
	unsigned long ops = 0;

	for (unsigned long i = 0; i < count; i++) {
		size_t len = max_len / 8 + next_u64(&state) % (max_len - max_len / 8 + 1);
		struct trace t;
		int ret;

		for (size_t k = 0; k < len; k += 8) {
			uint64_t w = next_u64(&state);

			memcpy(buf + k, &w, len - k < 8 ? len - k : 8);
		}
		buf[0] = INPUT_FORMAT_VERSION;
		if (trace_decode_settled(buf, len, &t, run_geometry_settle)) {
			fprintf(stderr, "pcpu-soak: out of memory\n");
			return 2;
		}
		snprintf(name, sizeof(name), "soak input %lu (seed %lu)", i, seed);
		opt.name = name;
		ops += t.nr_ops;
		ret = run_trace(&t, &opt);
		trace_free(&t);
		if (ret) {
			char path[4096];

			if (save_input(dir, seed, i, buf, len, path, sizeof(path)))
				fprintf(stderr, "pcpu-soak: cannot save the failing input in %s\n", dir);
			else
				fprintf(stderr, "pcpu-soak: failing input saved as %s (replay: pcpu-replay %s)\n",
					path, path);
			nonfatal_print(stderr, &counted);
			printf("soak: %lu passed, 1 failed\n", i);
			free(buf);
			return 1;
		}
		if ((i + 1) % 500 == 0)
			fprintf(stderr, "pcpu-soak: %lu/%lu inputs, %lu operations\n",
				i + 1, count, ops);
	}
	free(buf);
	fprintf(stderr, "pcpu-soak: %lu inputs, %lu operations, every check passed\n",
		count, ops);
	nonfatal_print(stderr, &counted);
	printf("soak: %lu passed, 0 failed\n", count);
	return 0;
}
