// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCPU_NOFAULT: fault kinds a run never arms.  A `fail KIND` line of a
 * listed kind is stepped over, on the backend and the oracle alike, and
 * counted with the non-fatal findings as `nofault KIND`.  It exists for
 * campaigns on a kernel with a known death behind one fault site: 6.1
 * dies within seconds on its pcpu_map_pages() unwind
 * (crashes/linux-6.1-map-pages-unwind) whenever an input arms `fail
 * vmap`, and PCPU_NOFAULT=vmap lets such a campaign look further, as
 * PCPU_NONFATAL does for known check findings (docs/campaigns.md §4.5).
 */
#include <stdlib.h>
#include <string.h>

#include "run.h"

int nofault_parse(const char *list, unsigned *mask, char *err, size_t errlen)
{
	const char *pos = list ? list : "";
	unsigned m = 0;

	while (*pos) {
		size_t len = strcspn(pos, ",");
		int f;

		for (f = 0; f < PCPU_NR_FAULTS; f++) {
			const char *name = trace_fault_name((enum pcpu_fault)f);

			if (strlen(name) == len && !strncmp(pos, name, len))
				break;
		}
		if (f == PCPU_NR_FAULTS) {
			if (err && errlen)
				snprintf(err, errlen,
					 "PCPU_NOFAULT: unknown fault kind '%.*s' (kinds: page, chunk, map, vmap)",
					 (int)(len > 40 ? 40 : len), pos);
			return -1;
		}
		m |= 1u << f;
		pos += len;
		if (*pos == ',')
			pos++;
	}
	*mask = m;
	return 0;
}

int nofault_from_env(unsigned *mask, char *err, size_t errlen)
{
	*mask = 0;
	return nofault_parse(getenv("PCPU_NOFAULT"), mask, err, errlen);
}

bool run_fault_skipped(const struct run_ctx *c, const struct trace_op *op)
{
	char name[32];

	if (!(c->opt->nonfatal_policy.nofault & (1u << op->fault)))
		return false;
	snprintf(name, sizeof(name), "nofault %s", trace_fault_name(op->fault));
	nonfatal_add(c->opt->nonfatal, name);
	return true;
}
