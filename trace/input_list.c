// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inputs a tool was given: files as they are, directories expanded to
 * their regular files (one level, dot files skipped) in name order, so a
 * directory always replays in the same order.  Shared by pcpu-replay and
 * pcpu-stats.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input_format.h"

static int input_list_add(struct input_list *l, const char *p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **np = realloc(l->paths, cap * sizeof(*np));

		if (!np)
			return -1;
		l->paths = np;
		l->cap = cap;
	}
	l->paths[l->n] = strdup(p);
	return l->paths[l->n++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int input_list_collect(struct input_list *l, const char *path)
{
	struct stat st;
	struct dirent *e;
	size_t first = l->n;
	DIR *d;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return input_list_add(l, path);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		char buf[4096];
		struct stat est;

		if (e->d_name[0] == '.')
			continue;
		snprintf(buf, sizeof(buf), "%s/%s", path, e->d_name);
		if (stat(buf, &est) || !S_ISREG(est.st_mode))
			continue;
		if (input_list_add(l, buf)) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	/* an empty directory may leave paths NULL: no arithmetic on it */
	if (l->n > first)
		qsort(l->paths + first, l->n - first, sizeof(char *), cmp_str);
	return 0;
}

void input_list_free(struct input_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	*l = (struct input_list){ 0 };
}
