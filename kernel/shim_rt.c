// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runtime of the shim's "changed for testing" class that is not memory:
 * per-geometry settings, printk and WARN routed to the backend, BUG and
 * panic fatal, locks as held flags whose misuse is a kernel bug, the
 * chunk tracepoints, and the preemption point at the release of
 * pcpu_lock.  Its state is per geometry (kshim_configure), per instance
 * (the hooks the backend sets) or empty between calls into the kernel (no
 * spinlock held, no half-built line), so restoring the kernel's own state
 * needs nothing from here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "shim/kshim.h"
#include "shim_rt.h"

unsigned long kshim_page_size = 4096;
int kshim_page_shift = 12;
unsigned int nr_cpu_ids = 1;
struct cpumask kshim_cpu_possible = { { 1 } };
unsigned int kshim_current_cpu;
char *kshim_per_cpu_start, *kshim_per_cpu_end;
bool kshim_slab_up;

static struct kshim_hooks hooks;
static int verbose = -1; /* -1: not decided yet, read KSHIM_LOG */
static int atomic_depth;
/* the preemption hook: which lock, and whom to call after its release */
static struct {
	const void *lock;
	void (*fn)(void *ctx, const char *func);
	void *ctx;
} preempt;
/* a line being built by KERN_CONT pieces */
static char line_buf[1024];
static int line_level = -1;

void kshim_configure(unsigned int cpus, size_t page_size, char *static_start,
		     size_t static_size)
{
	nr_cpu_ids = cpus;
	memset(&kshim_cpu_possible, 0, sizeof(kshim_cpu_possible));
	bitmap_set(kshim_cpu_possible.bits, 0, cpus);
	kshim_current_cpu = 0;
	kshim_page_size = page_size;
	kshim_page_shift = __builtin_ctzl(page_size);
	kshim_per_cpu_start = static_start;
	kshim_per_cpu_end = static_start + static_size;
	kshim_slab_up = false;
	atomic_depth = 0;
}

void kshim_boot_done(void)
{
	kshim_slab_up = true;
}

void kshim_set_hooks(const struct kshim_hooks *h)
{
	hooks = *h;
}

void kshim_set_verbose(bool on)
{
	verbose = on;
}

static bool is_verbose(void)
{
	if (verbose < 0) {
		const char *e = getenv("KSHIM_LOG");

		verbose = e && *e && strcmp(e, "0");
	}
	return verbose;
}

int kshim_atomic_depth(void)
{
	return atomic_depth;
}

static void flush_line(void)
{
	if (line_level < 0)
		return;
	if (is_verbose())
		fprintf(stderr, "kernel: <%d>%s%s", line_level, line_buf,
			strchr(line_buf, '\n') ? "" : "\n");
	if (hooks.message)
		hooks.message(hooks.ctx, line_level, NULL, 0, line_buf);
	line_level = -1;
	line_buf[0] = '\0';
}

int kshim_printk(const char *fmt, ...)
{
	char text[sizeof(line_buf)];
	const char *body = text;
	int level = 4; /* the kernel's default message level */
	bool cont = false;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	/* the level is a KERN_SOH prefix, of the format or of an argument */
	if (body[0] == KERN_SOH[0] && body[1]) {
		if (body[1] == 'c')
			cont = true;
		else if (body[1] >= '0' && body[1] <= '7')
			level = body[1] - '0';
		body += 2;
	}
	if (cont && line_level >= 0) {
		size_t used = strlen(line_buf);

		snprintf(line_buf + used, sizeof(line_buf) - used, "%s", body);
	} else {
		flush_line();
		line_level = level;
		snprintf(line_buf, sizeof(line_buf), "%s", body);
	}
	if (strchr(body, '\n'))
		flush_line();
	return n;
}

/*
 * A WARN and a BUG are reported alike: the text formatted once, a pending
 * printk line flushed first so the two stay in order, one stderr line
 * (always for a BUG, with KSHIM_LOG for a WARN), then the backend's hook.
 */
static void report(bool bug, const char *file, int line, const char *fmt,
		   va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof(text), fmt, ap);
	flush_line();
	if (bug || is_verbose())
		fprintf(stderr, "%s at %s:%d: %s%s",
			bug ? "kernel BUG" : "kernel: WARNING", file, line,
			text, strchr(text, '\n') ? "" : "\n");
	if (bug && hooks.bug)
		hooks.bug(hooks.ctx, file, line, text);
	else if (!bug && hooks.message)
		hooks.message(hooks.ctx, 4, file, line, text);
}

void kshim_warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(false, file, line, fmt, ap);
	va_end(ap);
}

void kshim_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(true, file, line, fmt, ap);
	va_end(ap);
	abort();
}

void kshim_lock(bool *held, const char *name, bool sleeps, const char *file,
		int line)
{
	if (*held)
		kshim_bug(file, line, "recursive locking of %s", name);
	if (sleeps && atomic_depth)
		kshim_bug(file, line, "sleeping lock %s taken under a spinlock",
			  name);
	*held = true;
	if (!sleeps)
		atomic_depth++;
}

void kshim_unlock(bool *held, const char *name, bool sleeps,
		  const char *file, int line)
{
	if (!*held)
		kshim_bug(file, line, "unlock of %s, which is not held", name);
	*held = false;
	if (!sleeps)
		atomic_depth--;
}

void kshim_set_preempt(const void *lock,
		       void (*fn)(void *ctx, const char *func), void *ctx)
{
	preempt.lock = fn ? lock : NULL;
	preempt.fn = fn;
	preempt.ctx = ctx;
}

/*
 * A spinlock release, and for the lock the backend named, the preemption
 * point.  The hook runs with the lock already released and atomic_depth
 * already down, so what it runs sees the kernel as another CPU would:
 * free to take the lock, and to sleep when no spinlock is held.  A
 * message line still being built is finished first, so that nothing the
 * nested operation prints is glued onto it.  What the hook ran must leave
 * the locks as it found them; if not, the outer kernel code would go on
 * under a lock it does not know it holds: a kernel BUG, said here.
 */
void kshim_spin_unlock(bool *held, const char *name, const char *file,
		       int line, const char *func)
{
	int depth;

	kshim_unlock(held, name, false, file, line);
	if (!preempt.fn || held != preempt.lock)
		return;
	flush_line();
	depth = atomic_depth;
	preempt.fn(preempt.ctx, func);
	if (*held || atomic_depth != depth)
		kshim_bug(file, line,
			  "%s: a nested operation returned with %s held",
			  func, *held ? name : "a spinlock");
}

void kshim_assert_held(bool held, const char *name, const char *file,
		       int line)
{
	if (!held)
		kshim_bug(file, line, "lockdep: %s is not held", name);
}

void kshim_might_sleep(const char *file, int line)
{
	if (atomic_depth)
		kshim_bug(file, line, "sleeping function called under a spinlock");
}

void kshim_chunk_event(bool created, void *base_addr)
{
	if (hooks.chunk)
		hooks.chunk(hooks.ctx, created, base_addr);
}
