// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which files pcpu-triage reads: the regular files of a folder (a
 * libFuzzer artifact folder), or only the crashes/ of an AFL++ instance
 * folder or of each instance in an AFL++ output folder (their queue/,
 * fuzzer_stats and the like are not crashes), in name order, skipping
 * dot files, README*, reports and pcpu-minimize's outputs.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "triage.h"

static bool skipped_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] == '.' || !strncmp(name, "README", 6) ||
	       !strcmp(name, "triage.txt") ||
	       (n > 4 && !strcmp(name + n - 4, ".min")) ||
	       (n > 10 && !strcmp(name + n - 10, ".min.trace"));
}

static int add_input(struct triage *tr, const char *path)
{
	if (tr->report_path && !strcmp(path, tr->report_path))
		return 0;
	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? 2 * tr->cap : 64;
		struct input *ni = realloc(tr->in, cap * sizeof(*ni));

		if (!ni)
			return -1;
		tr->in = ni;
		tr->cap = cap;
	}
	memset(&tr->in[tr->n], 0, sizeof(tr->in[0]));
	tr->in[tr->n].path = strdup(path);
	return tr->in[tr->n++].path ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entry names of dir, sorted; NULL-terminated, malloc'd. */
static char **list_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n + 1 >= cap) {
			char **nn;

			cap = cap ? 2 * cap : 64;
			nn = realloc(names, cap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (!names)
		names = calloc(1, sizeof(*names));
	if (!names)
		return NULL;
	names[n] = NULL;
	qsort(names, n, sizeof(*names), cmp_str);
	return names;
}

static void free_list(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

bool triage_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* The regular files of dir (one level). */
static int add_files(struct triage *tr, const char *dir)
{
	char **names = list_dir(dir), path[4096];
	struct stat st;
	int ret = 0;

	if (!names) {
		fprintf(stderr, "%s: cannot read: %s\n", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; names[i] && !ret; i++) {
		if (skipped_name(names[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			ret = add_input(tr, path);
	}
	free_list(names);
	return ret;
}

/* A folder: AFL++ instance, AFL++ output folder, or plain. */
int triage_add(struct triage *tr, const char *arg)
{
	char path[4096], **names;
	bool afl_out = false;
	int ret = 0;

	if (!triage_is_dir(arg)) {
		struct stat st;

		if (stat(arg, &st)) {
			fprintf(stderr, "%s: cannot open: %s\n", arg,
				strerror(errno));
			return -1;
		}
		return add_input(tr, arg);
	}
	snprintf(path, sizeof(path), "%s/crashes", arg);
	if (triage_is_dir(path))
		return add_files(tr, path);
	names = list_dir(arg);
	if (!names) {
		fprintf(stderr, "%s: cannot read: %s\n", arg, strerror(errno));
		return -1;
	}
	for (size_t i = 0; names[i] && !ret; i++) {
		if (names[i][0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/crashes", arg, names[i]);
		if (triage_is_dir(path)) {
			afl_out = true;
			ret = add_files(tr, path);
		}
	}
	free_list(names);
	if (ret || afl_out)
		return ret;
	return add_files(tr, arg);
}
