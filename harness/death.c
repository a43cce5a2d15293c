// SPDX-License-Identifier: GPL-2.0-only
/*
 * When a sanitizer or a signal ends a run, name the input and the
 * operation that was running (as SQLite's fuzzcheck does), then let the
 * sanitizer's own report and exit status stand.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

void run_describe_current(FILE *f);

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define HAVE_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HAVE_SANITIZER 1
#endif

#ifdef HAVE_SANITIZER
#include <sanitizer/common_interface_defs.h>

static void on_sanitizer_death(void)
{
	run_describe_current(stderr);
}
#endif

static void on_signal(int sig)
{
	/* not async-signal-safe, but the process is dying anyway */
	run_describe_current(stderr);
	signal(sig, SIG_DFL);
	raise(sig);
}

void death_report_install(void)
{
#ifdef HAVE_SANITIZER
	__sanitizer_set_death_callback(on_sanitizer_death);
#else
	signal(SIGSEGV, on_signal);
	signal(SIGBUS, on_signal);
#endif
	signal(SIGABRT, on_signal);
}
