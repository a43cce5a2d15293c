// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCPU_SWEEP_EVERY=K: how often the checks sweep the whole state.  After
 * every operation the checks look at what that operation changed (the
 * new or freed allocation, the chunks whose state moved); every K-th
 * operation, and after the last one, they sweep every chunk as well.
 * K=1 sweeps after every operation, the strictest setting.  The tools
 * that reproduce and test (pcpu-replay, pcpu-soak, pcpu-minimize,
 * pcpu-triage, the unit tests) default to 1; the fuzz targets and
 * pcpu-bench, which care about executions per second, to 64.
 */
#include <errno.h>
#include <stdlib.h>

#include "run.h"

/* K from a string: a decimal integer from 1 to SWEEP_EVERY_MAX. */
int sweep_every_parse(const char *v, unsigned *out, char *err, size_t errlen)
{
	unsigned long k;
	char *end;

	errno = 0;
	k = v && *v >= '0' && *v <= '9' ? strtoul(v, &end, 10) : 0;
	if (!k || errno || *end || k > SWEEP_EVERY_MAX) {
		if (err && errlen)
			snprintf(err, errlen,
				 "PCPU_SWEEP_EVERY: expected an integer from 1 to %u, got '%.40s'",
				 SWEEP_EVERY_MAX, v ? v : "");
		return -1;
	}
	*out = (unsigned)k;
	return 0;
}

int sweep_every_from_env(unsigned *out, unsigned dflt, char *err,
			 size_t errlen)
{
	const char *v = getenv("PCPU_SWEEP_EVERY");

	if (!v) {
		*out = dflt;
		return 0;
	}
	return sweep_every_parse(v, out, err, errlen);
}

bool sweep_due(const struct run_ctx *c)
{
	unsigned k = c->opt->sweep_every ? c->opt->sweep_every : 1;

	/* a block may have changed any chunk: look at all of them */
	return k == 1 || c->op_had_nested || (c->op_index + 1) % k == 0 ||
	       c->op_index + 1 >= c->t->nr_ops;
}
