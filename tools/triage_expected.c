// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a finding folder's `expected` file for pcpu-triage: its keys,
 * and whether the finding belongs to the allocator this triage is built
 * with.  The area-map port and the real kernel share crashes/, and a
 * finding of one says nothing about the other: a linux hint finding's
 * check does not even exist on the area map, and an area-map finding's
 * bug is not in the kernel's bitmap allocator.
 */
#include <stdlib.h>
#include <string.h>

#include "pcpu.h"
#include "triage.h"

/* The value of "key: value" in line, trimmed, or NULL for another key. */
static const char *line_value(char *line, const char *key)
{
	size_t kl = strlen(key);
	char *v = line + kl, *e;

	if (strncmp(line, key, kl) || *v != ':')
		return NULL;
	for (v++; *v == ' ' || *v == '\t'; v++)
		;
	e = v + strcspn(v, "\r\n");
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	return v;
}

void expected_value(const char *path, const char *key, char *out, size_t len)
{
	char line[512];
	const char *v;
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		v = line_value(line, key);
		if (v) {
			snprintf(out, len, "%s", v);
			break;
		}
	}
	fclose(f);
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

bool expected_for_backend(const char *path)
{
	char line[512];
	const char *v;
	bool any = false, here = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		v = line_value(line, "backend");
		if (!v)
			continue;
		any = true;
		here |= names_this_backend(v);
	}
	fclose(f);
	/*
	 * The findings from before the linux backend name none: they are
	 * the area-map port's ("area-map" names that build, area-map-4.9).
	 */
	return any ? here : names_this_backend("area-map");
}
