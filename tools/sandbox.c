// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child runs run_trace and writes its signature into a page shared
 * with the parent, then leaves with _exit (no leak check, no stdio
 * flush of the parent's buffers).  When the page stays empty the child
 * died: its stderr, kept in a temporary file, holds the sanitizer report
 * the signature is parsed from; otherwise the signal or the exit status
 * names what happened.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "sandbox.h"

/* Enough for the head of any report: its type and first stack. */
#define REPORT_MAX (256 * 1024)

/*
 * UBSan prints a stack only when asked, and the signature needs the top
 * frame; the sanitizer runtimes read these hooks at start-up.  Users'
 * UBSAN_OPTIONS still take precedence.
 */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1";
}

struct shared_result {
	volatile int done;
	struct run_signature sig;
};

struct sandbox {
	unsigned int timeout;
	struct nonfatal_policy nonfatal; /* zero: every finding fatal */
	unsigned sweep_every;            /* zero: a sweep after every op */
	struct shared_result *shared;
	FILE *err;  /* the children's stderr */
	char *report;
};

struct sandbox *sandbox_create(unsigned int timeout)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return NULL;
	sb->timeout = timeout;
	sb->shared = mmap(NULL, sizeof(*sb->shared), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sb->err = tmpfile();
	sb->report = malloc(REPORT_MAX + 1);
	if (sb->shared == MAP_FAILED || !sb->err || !sb->report) {
		if (sb->shared == MAP_FAILED)
			sb->shared = NULL;
		sandbox_destroy(sb);
		return NULL;
	}
	return sb;
}

unsigned int sandbox_default_timeout(void)
{
	return run_area_map() ? 10 : 60;
}

void sandbox_set_nonfatal(struct sandbox *sb, const struct nonfatal_policy *p)
{
	if (p)
		sb->nonfatal = *p;
	else
		memset(&sb->nonfatal, 0, sizeof(sb->nonfatal));
}

void sandbox_set_sweep_every(struct sandbox *sb, unsigned k)
{
	sb->sweep_every = k;
}

void sandbox_print_conditions(FILE *f, unsigned fixes)
{
	const char *nonfatal = getenv("PCPU_NONFATAL");
	const char *nofault = getenv("PCPU_NOFAULT");

	if (backend_caps() & PCPU_CAP_FIXES) {
		fputs("fixes ", f);
		fixes_print(f, fixes);
	} else {
		fprintf(f, "backend %s", backend_name());
	}
	if (nonfatal && *nonfatal)
		fprintf(f, ", PCPU_NONFATAL=%s", nonfatal);
	if (nofault && *nofault)
		fprintf(f, ", PCPU_NOFAULT=%s", nofault);
}

void sandbox_destroy(struct sandbox *sb)
{
	if (!sb)
		return;
	if (sb->shared)
		munmap(sb->shared, sizeof(*sb->shared));
	if (sb->err)
		fclose(sb->err);
	free(sb->report);
	free(sb);
}

/*
 * Move the first chunk's memory down by `pages` host pages.  A probe of
 * the first chunk's mapping size plus those pages lands in the gap the
 * backend's own mmap would use; giving back all of it but its top pages
 * leaves that gap shorter by exactly them.  (The size mirrors the area-map
 * backend's first-chunk mapping, cpus x unit + page; for another size
 * the shift may not happen, which only weakens the robustness test.)
 */
static void shift_layout(const struct pcpu_geometry *g, unsigned int pages)
{
	size_t len = (size_t)g->cpus * g->unit_size + g->page_size;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *p;

	if (!pages)
		return;
	p = mmap(NULL, len + pages * page, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void __attribute__((noreturn))
child(struct sandbox *sb, const struct trace *t, unsigned fixes,
      unsigned int layout)
{
	struct run_signature sig;
	struct run_options opt = { .fixes = fixes,
				   .checks = true,
				   .name = "candidate",
				   .signature = &sig,
				   .nonfatal_policy = sb->nonfatal,
				   .sweep_every = sb->sweep_every };

	if (dup2(fileno(sb->err), STDERR_FILENO) < 0)
		_exit(126);
	alarm(sb->timeout);
	shift_layout(&t->geo, layout);
	run_trace(t, &opt);
	sb->shared->sig = sig;
	sb->shared->done = 1;
	_exit(0);
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGABRT:
		return "SIGABRT";
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGILL:
		return "SIGILL";
	case SIGFPE:
		return "SIGFPE";
	case SIGKILL:
		return "SIGKILL";
	case SIGTRAP:
		return "SIGTRAP";
	default:
		return NULL;
	}
}

/* The child's stderr, from the start, NUL-terminated. */
static const char *read_report(struct sandbox *sb)
{
	size_t n;

	if (fseek(sb->err, 0, SEEK_SET))
		return "";
	n = fread(sb->report, 1, REPORT_MAX, sb->err);
	sb->report[n] = '\0';
	return sb->report;
}

int sandbox_run(struct sandbox *sb, const struct trace *t, unsigned fixes,
		unsigned int layout, struct run_signature *sig)
{
	const char *name;
	pid_t pid;
	int st;

	memset(sb->shared, 0, sizeof(*sb->shared));
	fflush(NULL);
	if (ftruncate(fileno(sb->err), 0) || fseek(sb->err, 0, SEEK_SET)) {
		perror("sandbox: temporary file");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("sandbox: fork");
		return -1;
	}
	if (pid == 0)
		child(sb, t, fixes, layout);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perror("sandbox: waitpid");
			return -1;
		}

	if (sb->shared->done) {
		*sig = sb->shared->sig;
		return 0;
	}
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
		signature_set(sig, SIG_TIMEOUT, "timeout");
		return 0;
	}
	if (signature_from_report(read_report(sb), sig))
		return 0;
	if (WIFSIGNALED(st)) {
		name = signal_name(WTERMSIG(st));
		if (name)
			signature_set(sig, SIG_SIGNAL, "signal=%s", name);
		else
			signature_set(sig, SIG_SIGNAL, "signal=%d",
				      WTERMSIG(st));
		return 0;
	}
	signature_set(sig, SIG_CRASH, "crash exit=%d",
		      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
