// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a finding folder's `expected` file (expected.h): its keys, and
 * whether the finding belongs to the allocator a tool is built with.  The
 * area-map port and the real kernel share crashes/, and a finding of one
 * says nothing about the other: a linux hint finding's check does not even
 * exist on the area map, and an area-map finding's bug is not in the
 * kernel's bitmap allocator.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "expected.h"
#include "pcpu.h"
#include "trace.h"

/* Copy value into out (len bytes); -1 when it does not fit. */
static int store(char *out, size_t len, const char *value)
{
	if (strlen(value) >= len)
		return -1;
	memcpy(out, value, strlen(value) + 1);
	return 0;
}

static int parse_line(struct expected *e, char *line, char *msg, size_t len)
{
	char *key = line, *v, *end;
	int r = 0;

	v = strchr(line, ':');
	if (!v) {
		snprintf(msg, len, "not a 'key: value' line");
		return -1;
	}
	*v++ = '\0';
	v += strspn(v, " \t");
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*v) {
		snprintf(msg, len, "%.40s: empty value", key);
		return -1;
	}
	if (!strcmp(key, "backend")) {
		if (e->nr_backends == EXPECTED_MAX_BACKENDS) {
			snprintf(msg, len, "more than %d backend lines",
				 EXPECTED_MAX_BACKENDS);
			return -1;
		}
		r = store(e->backends[e->nr_backends++],
			  sizeof(e->backends[0]), v);
	} else {
		static const char *const keys[] = { "check", "fix",
			"faithful-fixes", "grade", "consequence", "dies" };
		char *slots[] = { e->check, e->fix, e->others, e->grade,
				  e->consequence, e->dies };
		size_t sizes[] = { sizeof(e->check), sizeof(e->fix),
				   sizeof(e->others), sizeof(e->grade),
				   sizeof(e->consequence), sizeof(e->dies) };
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i]))
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			snprintf(msg, len, "unknown key '%.40s'", key);
			return -1;
		}
		if (slots[i][0]) {
			snprintf(msg, len, "%.40s given twice", key);
			return -1;
		}
		r = store(slots[i], sizes[i], v);
		if (!r && slots[i] == e->grade && strcmp(v, "benign")) {
			snprintf(msg, len, "grade: '%.40s' (only benign is known)", v);
			return -1;
		}
		if (!r && (slots[i] == e->fix || slots[i] == e->others)) {
			char ferr[200];
			unsigned *bits = slots[i] == e->fix ? &e->fix_bits :
							      &e->other_bits;

			if (fixes_parse(v, bits, ferr, sizeof(ferr))) {
				snprintf(msg, len, "%.40s: %.200s", key, ferr);
				return -1;
			}
		}
	}
	if (r)
		snprintf(msg, len, "%.40s: value too long", key);
	return r;
}

int expected_load(const char *path, struct expected *e, char *err,
		  size_t errlen)
{
	char line[512], msg[300];
	int lineno = 0;
	FILE *f;

	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		lineno++;
		if (n && line[n - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path, lineno);
			fclose(f);
			return -1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, " \t")] || line[0] == '#')
			continue;
		if (parse_line(e, line, msg, sizeof(msg))) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!e->check[0] == !e->dies[0]) {
		snprintf(err, errlen, e->check[0] ?
			 "%s:%d: both 'check:' and 'dies:' (one outcome per finding)" :
			 "%s:%d: no 'check:' line (nor 'dies:')",
			 path, lineno + 1);
		return -1;
	}
	if (e->dies[0] && !e->nr_backends) {
		snprintf(err, errlen,
			 "%s:%d: 'dies:' needs a 'backend:' line (only the linux shim reports a kernel BUG)",
			 path, lineno + 1);
		return -1;
	}
	return 0;
}

int expected_load_dir(const char *dir, struct expected *e, char *err,
		      size_t errlen)
{
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/expected", dir);
	r = expected_load(path, e, err, errlen);
	if (r > 0)
		snprintf(err, errlen, "%s: no such file", path);
	return r ? -1 : 0;
}

const char *expected_value(const struct expected *e, const char *key)
{
	return !strcmp(key, "check") ? e->check :
	       !strcmp(key, "fix") ? e->fix :
	       !strcmp(key, "faithful-fixes") ? e->others :
	       !strcmp(key, "grade") ? e->grade :
	       !strcmp(key, "consequence") ? e->consequence :
	       !strcmp(key, "dies") ? e->dies : NULL;
}

/*
 * "linux-6.12" names the build backend_name() calls "linux-6.12-vm", but
 * "linux-6.1" does not: a match ends at a '-' or at the end of the name.
 */
static bool names_this_backend(const char *value)
{
	const char *name = backend_name();
	size_t n = strlen(value);

	return n && !strncmp(name, value, n) &&
	       (name[n] == '\0' || name[n] == '-');
}

bool expected_for_backend(const struct expected *e)
{
	bool here = false;

	for (int i = 0; i < e->nr_backends; i++)
		here |= names_this_backend(e->backends[i]);
	/*
	 * The findings from before the linux backend name none: they are
	 * the area-map port's ("area-map" names that build, area-map-4.9).
	 */
	return e->nr_backends ? here : names_this_backend("area-map");
}
