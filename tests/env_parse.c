// SPDX-License-Identifier: GPL-2.0-only
/* The shared check of the PCPU_* number and list parsers (env_parse.h). */
#include <stdio.h>
#include <string.h>

#include "env_parse.h"
#include "test.h"

void expect_env_parse(env_parse_fn parse, const struct env_accepted *good,
		      size_t nr_good, const char *const *bad, size_t nr_bad,
		      const char *prefix)
{
	for (size_t i = 0; i < nr_good; i++) {
		unsigned out = ~good[i].want;
		char err[256] = "";
		int rc = parse(good[i].text, &out, err, sizeof(err));

		if (rc != 0 || out != good[i].want) {
			fprintf(stderr, "%s:%d: '%s': expected 0 and %u, got %d and %u (%s)\n",
				__FILE__, __LINE__, good[i].text, good[i].want,
				rc, out, err);
			test_failed_checks++;
		}
	}
	for (size_t i = 0; i < nr_bad; i++) {
		const unsigned kept = 7;
		unsigned out = kept;
		char err[256] = "";
		int rc = parse(bad[i], &out, err, sizeof(err));

		if (rc != -1 || out != kept ||
		    strncmp(err, prefix, strlen(prefix))) {
			fprintf(stderr, "%s:%d: '%s': expected -1, %u kept and a message starting \"%s\", got %d, %u and \"%s\"\n",
				__FILE__, __LINE__, bad[i], kept, prefix, rc,
				out, err);
			test_failed_checks++;
		}
	}
}
