/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of the text trace language (trace/): every operation form, the
 * defaults, the lexical rules, every input error with its exact line and
 * message, printing and the print -> parse -> print round trip, and the
 * fix-switch lists.  Geometries here all pass the kernel's first-chunk
 * checks (4 KiB pages, unit >= 32 KiB, dyn >= 12 KiB), except where a
 * refusal is the point of the test.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "test.h"
#include "trace.h"

/* Like EXPECT(!strcmp(a, b)), but shows both strings when they differ. */
#define EXPECT_STR(a, b)                                                    \
	do {                                                                \
		const char *_a = (a), *_b = (b);                            \
		if (strcmp(_a, _b)) {                                       \
			fprintf(stderr, "%s:%d: expected %s == %s",         \
				__FILE__, __LINE__, #a, #b);                \
			fprintf(stderr, " (\"%s\" vs \"%s\")\n", _a, _b);   \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

static int parse(const char *text, struct trace *t, char *err, size_t errlen)
{
	return trace_parse_text("t.trace", text, strlen(text), t, err, errlen);
}

/* Parse text that must be accepted; the caller frees t. */
static void parse_ok(const char *text, struct trace *t)
{
	char err[256] = "";

	EXPECT_EQ(parse(text, t, err, sizeof(err)), 0);
	EXPECT_STR(err, "");
}

/* Parse text that must be refused with exactly the message want. */
static void expect_error(const char *text, const char *want)
{
	struct trace t;
	char err[512] = "";

	EXPECT_EQ(parse(text, &t, err, sizeof(err)), -1);
	EXPECT_STR(err, want);
	/* A refused parse leaves nothing behind to free. */
	EXPECT(t.ops == NULL);
	EXPECT_EQ(t.nr_ops, 0);
	trace_free(&t);
}

/* The canonical text of t, as a malloc'd string. */
static char *print_trace(const struct trace *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	trace_print(f, t);
	fclose(f);
	return buf;
}

static char *print_op(const struct trace_op *op)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	trace_print_op(f, op);
	fclose(f);
	return buf;
}

static char *print_fixes(unsigned int fixes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fixes_print(f, fixes);
	fclose(f);
	return buf;
}

/*
 * Every alloc form: optional words in any order; ids count alloc lines
 * only (0, 1, 2, ...) and each op records its source line.
 * Expected: sizes, aligns, flags and ids as written, lines 1..6.
 */
static void test_trace_alloc_forms(void)
{
	struct trace t;

	parse_ok("alloc 100\n"
		 "alloc 100 align=8\n"
		 "alloc 64 atomic\n"
		 "balance\n"
		 "alloc 64 reserved\n"
		 "alloc 32 reserved atomic align=16\n",
		 &t);
	EXPECT_EQ(t.nr_ops, 6);
	EXPECT_EQ(t.nr_allocs, 5);
	EXPECT_EQ(t.ops[0].kind, OP_ALLOC);
	EXPECT_EQ(t.ops[0].size, 100);
	EXPECT_EQ(t.ops[0].align, 0);
	EXPECT(!t.ops[0].atomic && !t.ops[0].reserved);
	EXPECT_EQ(t.ops[0].id, 0);
	EXPECT_EQ(t.ops[0].line, 1);
	EXPECT_EQ(t.ops[1].align, 8);
	EXPECT_EQ(t.ops[1].id, 1);
	EXPECT(t.ops[2].atomic && !t.ops[2].reserved);
	EXPECT_EQ(t.ops[2].id, 2);
	EXPECT_EQ(t.ops[3].kind, OP_BALANCE);
	EXPECT_EQ(t.ops[3].line, 4);
	EXPECT(!t.ops[4].atomic && t.ops[4].reserved);
	EXPECT_EQ(t.ops[4].id, 3);
	EXPECT_EQ(t.ops[5].size, 32);
	EXPECT_EQ(t.ops[5].align, 16);
	EXPECT(t.ops[5].atomic && t.ops[5].reserved);
	EXPECT_EQ(t.ops[5].id, 4);
	EXPECT_EQ(t.ops[5].line, 6);
	trace_free(&t);
}

/*
 * free, balance and every fail form, including count 0 and the maximum.
 * Expected: free names its id; fail count defaults to 1.
 */
static void test_trace_free_balance_fail(void)
{
	struct trace t;

	parse_ok("alloc 8\nalloc 8\nfree 1\nfree 0\nbalance\n"
		 "fail page\nfail chunk 3\nfail map 0\nfail page 1000000\n",
		 &t);
	EXPECT_EQ(t.nr_ops, 9);
	EXPECT_EQ(t.ops[2].kind, OP_FREE);
	EXPECT_EQ(t.ops[2].id, 1);
	EXPECT_EQ(t.ops[3].id, 0);
	EXPECT_EQ(t.ops[4].kind, OP_BALANCE);
	EXPECT_EQ(t.ops[5].kind, OP_FAIL);
	EXPECT_EQ(t.ops[5].fault, PCPU_FAULT_PAGE);
	EXPECT_EQ(t.ops[5].count, 1);
	EXPECT_EQ(t.ops[6].fault, PCPU_FAULT_CHUNK);
	EXPECT_EQ(t.ops[6].count, 3);
	EXPECT_EQ(t.ops[7].fault, PCPU_FAULT_MAP);
	EXPECT_EQ(t.ops[7].count, 0);
	EXPECT_EQ(t.ops[8].count, TRACE_MAX_FAIL_COUNT);
	EXPECT_EQ(t.ops[8].line, 9);
	EXPECT_EQ(t.ops[8].after, 0);
	trace_free(&t);
}

/*
 * The vmap kind and `after N`, with and without a count, 0 and the
 * maximum.  Expected: after defaults to 0; with `after` alone the count
 * stays 1.
 */
static void test_trace_fail_after(void)
{
	struct trace t;

	parse_ok("fail vmap\nfail page after 2\nfail chunk 3 after 0x10\n"
		 "fail map 0 after 1000000\nfail vmap 2 after 0\n",
		 &t);
	EXPECT_EQ(t.nr_ops, 5);
	EXPECT_EQ(t.ops[0].fault, PCPU_FAULT_VMAP);
	EXPECT_EQ(t.ops[0].count, 1);
	EXPECT_EQ(t.ops[0].after, 0);
	EXPECT_EQ(t.ops[1].fault, PCPU_FAULT_PAGE);
	EXPECT_EQ(t.ops[1].count, 1);
	EXPECT_EQ(t.ops[1].after, 2);
	EXPECT_EQ(t.ops[2].count, 3);
	EXPECT_EQ(t.ops[2].after, 16);
	EXPECT_EQ(t.ops[3].count, 0);
	EXPECT_EQ(t.ops[3].after, TRACE_MAX_FAIL_AFTER);
	EXPECT_EQ(t.ops[4].fault, PCPU_FAULT_VMAP);
	EXPECT_EQ(t.ops[4].count, 2);
	EXPECT_EQ(t.ops[4].after, 0);
	trace_free(&t);

	expect_error("fail page after\n", "t.trace:1: missing N after 'after'");
	expect_error("fail page 2 after\n",
		     "t.trace:1: missing N after 'after'");
	expect_error("fail page after 1000001\n",
		     "t.trace:1: number out of range '1000001' for after (max 1000000)");
	expect_error("fail page after x\n",
		     "t.trace:1: bad number 'x' for after");
	expect_error("fail page after 1 2\n",
		     "t.trace:1: extra argument '2' for fail");
	expect_error("fail page after 1 after 2\n",
		     "t.trace:1: extra argument 'after' for fail");
	expect_error("fail page 1 2\n", "t.trace:1: extra argument '2' for fail");
}

/*
 * Defaults: an empty trace and a bare `geometry` both give the documented
 * geometry; only the latter sets has_geometry.
 * Expected: cpus=4 page=4096 unit=32768 static=8192 reserved=8192 dyn=16384.
 */
static void test_trace_defaults(void)
{
	struct trace t;

	parse_ok("", &t);
	EXPECT(!t.has_geometry);
	EXPECT_EQ(t.nr_ops, 0);
	EXPECT_EQ(t.geo.cpus, 4);
	EXPECT_EQ(t.geo.page_size, 4096);
	EXPECT_EQ(t.geo.unit_size, 32768);
	EXPECT_EQ(t.geo.static_size, 8192);
	EXPECT_EQ(t.geo.reserved_size, 8192);
	EXPECT_EQ(t.geo.dyn_size, 16384);
	trace_free(&t);

	parse_ok("# defaults\n\ngeometry\nalloc 4\n", &t);
	EXPECT(t.has_geometry);
	EXPECT_EQ(t.geometry_line, 3);
	EXPECT_EQ(t.geo.cpus, 4);
	EXPECT_EQ(t.geo.unit_size, 32768);
	EXPECT_EQ(t.geo.dyn_size, 16384);
	EXPECT_EQ(t.ops[0].line, 4);
	trace_free(&t);

	/* Text that is not NUL-terminated, and no text at all. */
	EXPECT_EQ(trace_parse_text("t.trace", "balancexyz", 7, &t, NULL, 0), 0);
	EXPECT_EQ(t.nr_ops, 1);
	trace_free(&t);
	EXPECT_EQ(trace_parse_text("t.trace", NULL, 0, &t, NULL, 0), 0);
	EXPECT_EQ(t.nr_ops, 0);
	trace_free(&t);
}

/*
 * Geometry keys in any order, some omitted (they keep their defaults).
 * Expected: given keys set, the others default.
 */
static void test_trace_geometry_keys(void)
{
	struct trace t;

	parse_ok(
		"geometry dyn=20480 cpus=2 unit=65536 static=4096 reserved=0 page=4096\n",
		&t);
	EXPECT(t.has_geometry);
	EXPECT_EQ(t.geometry_line, 1);
	EXPECT_EQ(t.geo.cpus, 2);
	EXPECT_EQ(t.geo.page_size, 4096);
	EXPECT_EQ(t.geo.unit_size, 65536);
	EXPECT_EQ(t.geo.static_size, 4096);
	EXPECT_EQ(t.geo.reserved_size, 0);
	EXPECT_EQ(t.geo.dyn_size, 20480);
	trace_free(&t);

	parse_ok("geometry cpus=1 unit=65536\n", &t);
	EXPECT_EQ(t.geo.cpus, 1);
	EXPECT_EQ(t.geo.unit_size, 65536);
	EXPECT_EQ(t.geo.static_size, 8192);
	EXPECT_EQ(t.geo.reserved_size, 8192);
	trace_free(&t);
}

/*
 * Lexical rules: comments (whole line, after words, glued to a word),
 * blank and blank-only lines, tabs, CRLF and a last line without a line
 * end, plus UTF-8 in comments and a leading byte order mark.
 * Expected: 4 ops on lines 3, 5, 7 and 9.
 */
static void test_trace_lexical(void)
{
	struct trace t;

	parse_ok("\xef\xbb\xbf# a comment \xc3\xa9\xe2\x82\xac\r\n"
		 "   \t \r\n"
		 "\talloc\t\t100   align=8\t# trailing comment\r\n"
		 "\n"
		 "alloc 7# glued comment\n"
		 "#alloc 1\n"
		 "  free   0  \r\n"
		 "\r\n"
		 "balance",
		 &t);
	EXPECT_EQ(t.nr_ops, 4);
	EXPECT_EQ(t.ops[0].size, 100);
	EXPECT_EQ(t.ops[0].align, 8);
	EXPECT_EQ(t.ops[0].line, 3);
	EXPECT_EQ(t.ops[1].size, 7);
	EXPECT_EQ(t.ops[1].line, 5);
	EXPECT_EQ(t.ops[2].kind, OP_FREE);
	EXPECT_EQ(t.ops[2].line, 7);
	EXPECT_EQ(t.ops[3].kind, OP_BALANCE);
	EXPECT_EQ(t.ops[3].line, 9);
	trace_free(&t);
}

/*
 * Numbers: decimal with leading zeros, 0x hex in either digit case,
 * SIZE_MAX in both bases, and hex in every numeric position.
 * Expected: the values written.
 */
static void test_trace_numbers(void)
{
	struct trace t;

	parse_ok(
		"geometry cpus=0x2 page=0x1000 unit=0x10000 static=0x1000 reserved=0x2000 dyn=0x5000\n"
		"alloc 0x1F align=0x8\n"
		"alloc 0010\n"
		"alloc 18446744073709551615\n"
		"alloc 0xffffffffFFFFFFFF\n"
		"free 0x1\n"
		"fail map 0xa\n",
		&t);
	EXPECT_EQ(t.geo.cpus, 2);
	EXPECT_EQ(t.geo.page_size, 4096);
	EXPECT_EQ(t.geo.unit_size, 65536);
	EXPECT_EQ(t.geo.static_size, 4096);
	EXPECT_EQ(t.geo.reserved_size, 8192);
	EXPECT_EQ(t.geo.dyn_size, 20480);
	EXPECT_EQ(t.ops[0].size, 31);
	EXPECT_EQ(t.ops[0].align, 8);
	EXPECT_EQ(t.ops[1].size, 10);
	EXPECT(t.ops[2].size == SIZE_MAX);
	EXPECT(t.ops[3].size == SIZE_MAX);
	EXPECT_EQ(t.ops[4].id, 1);
	EXPECT_EQ(t.ops[5].count, 10);
	trace_free(&t);

	/* Sizes the kernel refuses are not input errors: passed through. */
	parse_ok("alloc 0\nalloc 1000000 align=3\nalloc 8 align=65536\n", &t);
	EXPECT_EQ(t.nr_ops, 3);
	EXPECT_EQ(t.ops[1].align, 3);
	trace_free(&t);
}

/*
 * Malformed and out-of-range numbers, each on a known line.
 * Expected: "bad number 'W' for KEY" or "number out of range 'W' for KEY".
 */
static void test_trace_bad_numbers(void)
{
	expect_error("alloc 12k\n", "t.trace:1: bad number '12k' for size");
	expect_error("\nalloc -1\n", "t.trace:2: bad number '-1' for size");
	expect_error("alloc 0x\n", "t.trace:1: bad number '0x' for size");
	expect_error("alloc +1\n", "t.trace:1: bad number '+1' for size");
	expect_error("alloc 0X10\n", "t.trace:1: bad number '0X10' for size");
	expect_error("alloc 0x1g\n", "t.trace:1: bad number '0x1g' for size");
	expect_error("alloc 1.5\n", "t.trace:1: bad number '1.5' for size");
	expect_error("alloc 8\nalloc 8\n\nalloc 8 align=x1\n",
		     "t.trace:4: bad number 'x1' for align");
	expect_error("alloc 8 align=\n", "t.trace:1: bad number '' for align");
	expect_error("geometry cpus=four\n",
		     "t.trace:1: bad number 'four' for cpus");
	expect_error("alloc 1\nfree one\n",
		     "t.trace:2: bad number 'one' for id");
	expect_error("fail page 1x\n", "t.trace:1: bad number '1x' for count");
	expect_error("fail page -1\n", "t.trace:1: bad number '-1' for count");

	/* One past SIZE_MAX in decimal and in hex. */
	expect_error(
		"alloc 18446744073709551616\n",
		"t.trace:1: number out of range '18446744073709551616' for size");
	expect_error(
		"alloc 8 align=0x10000000000000000\n",
		"t.trace:1: number out of range '0x10000000000000000' for align");
	expect_error(
		"geometry dyn=99999999999999999999999\n",
		"t.trace:1: number out of range '99999999999999999999999' for dyn");
	/* Syntax is checked before range. */
	expect_error(
		"alloc 99999999999999999999999x\n",
		"t.trace:1: bad number '99999999999999999999999x' for size");
	/* Fields narrower than size_t have their own maximum. */
	expect_error(
		"geometry cpus=4294967296\n",
		"t.trace:1: number out of range '4294967296' for cpus (max 4294967295)");
	expect_error(
		"fail chunk 1000001\n",
		"t.trace:1: number out of range '1000001' for count (max 1000000)");
	expect_error(
		"alloc 1\nfree 18446744073709551616\n",
		"t.trace:2: number out of range '18446744073709551616' for id");
}

/*
 * Unknown operations and keys, missing and extra arguments, duplicate
 * keys, unknown fail kinds.
 * Expected: one exact message each, on the offending line.
 */
static void test_trace_syntax_errors(void)
{
	expect_error("alloc 1\n\nallc 1\n",
		     "t.trace:3: unknown operation 'allc'");
	expect_error("Alloc 1\n", "t.trace:1: unknown operation 'Alloc'");
	expect_error("alloc 1 atomc\n",
		     "t.trace:1: unknown key 'atomc' for alloc");
	expect_error("alloc 1 atomic=1\n",
		     "t.trace:1: unknown key 'atomic=1' for alloc");
	expect_error("alloc 1 size=2\n",
		     "t.trace:1: unknown key 'size=2' for alloc");
	expect_error("geometry cpu=2\n",
		     "t.trace:1: unknown key 'cpu' for geometry");
	expect_error("geometry big\n",
		     "t.trace:1: unknown key 'big' for geometry");
	expect_error("alloc\n", "t.trace:1: missing SIZE for alloc");
	expect_error("alloc # 100\n", "t.trace:1: missing SIZE for alloc");
	expect_error("alloc 1 align\n", "t.trace:1: missing value for align");
	expect_error("geometry dyn\n", "t.trace:1: missing value for dyn");
	expect_error("free\n", "t.trace:1: missing ID for free");
	expect_error("fail\n",
		     "t.trace:1: missing KIND for fail (page, chunk, map or vmap)");
	expect_error("alloc 1\nfree 0 0\n",
		     "t.trace:2: extra argument '0' for free");
	expect_error("balance now\n",
		     "t.trace:1: extra argument 'now' for balance");
	expect_error("fail map 2 3\n",
		     "t.trace:1: extra argument '3' for fail");
	expect_error(
		"fail pages\n",
		"t.trace:1: unknown fail kind 'pages' (known: page, chunk, map, vmap)");
	expect_error("alloc 1 atomic atomic\n",
		     "t.trace:1: duplicate key 'atomic'");
	expect_error("alloc 1 reserved atomic reserved\n",
		     "t.trace:1: duplicate key 'reserved'");
	expect_error("alloc 1 align=4 align=4\n",
		     "t.trace:1: duplicate key 'align'");
	expect_error("geometry cpus=2 dyn=16384 cpus=2\n",
		     "t.trace:1: duplicate key 'cpus'");
}

/*
 * free must name an earlier alloc line that is still live: later alloc
 * lines, ids past the last alloc and ids freed before are input errors,
 * even when the alloc itself would fail at run time.
 * Expected: "free of unknown id N" / "double free of id N".
 */
static void test_trace_free_errors(void)
{
	expect_error("free 0\n", "t.trace:1: free of unknown id 0");
	expect_error("alloc 1\nfree 1\nalloc 1\n",
		     "t.trace:2: free of unknown id 1");
	expect_error("alloc 1\nfree 4294967296\n",
		     "t.trace:2: free of unknown id 4294967296");
	expect_error("alloc 1\nalloc 2\nfree 1\nfree 0\n# again\nfree 1\n",
		     "t.trace:6: double free of id 1");
	expect_error("alloc 0\nfree 0\nfree 0x0\n",
		     "t.trace:3: double free of id 0");
}

/*
 * geometry is allowed only as the first operation: comments and blank
 * lines may precede it, operations and another geometry may not.
 * Expected: geometry_line 3 in the good case; errors name the line.
 */
static void test_trace_geometry_position(void)
{
	struct trace t;

	parse_ok("# header\n\ngeometry cpus=2\nbalance\n", &t);
	EXPECT_EQ(t.geometry_line, 3);
	EXPECT_EQ(t.geo.cpus, 2);
	trace_free(&t);

	expect_error("balance\ngeometry cpus=2\n",
		     "t.trace:2: geometry must be the first operation");
	expect_error("alloc 8\nfree 0\n\ngeometry\n",
		     "t.trace:4: geometry must be the first operation");
	expect_error("geometry\n#\ngeometry cpus=2\n",
		     "t.trace:3: duplicate geometry (first on line 1)");
}

/*
 * A geometry the kernel's first-chunk setup refuses (dyn below 12 KiB):
 * the parser reads it as written, without asking the backend (policy
 * GEO_STRICT); settling it for the backend (run_geometry_settle) is an
 * input error on the geometry line, the reason the backend's.
 * Expected: the parse succeeds with dyn 4096; the settle fails with
 * "t.trace:2: bad geometry: <reason>" on one line and leaves the policy.
 */
static void test_trace_geometry_refused(void)
{
	static const char prefix[] = "t.trace:2: bad geometry: ";
	struct trace t;
	char err[512] = "";

	EXPECT_EQ(parse("# small dyn\ngeometry dyn=4096\nalloc 8\n", &t, err,
			sizeof(err)),
		  0);
	EXPECT_EQ(t.geo.dyn_size, 4096);
	EXPECT_EQ(t.geo_policy, GEO_STRICT);
	EXPECT_EQ(run_geometry_settle(&t, "t.trace", err, sizeof(err)), -1);
	EXPECT(!strncmp(err, prefix, strlen(prefix)));
	EXPECT(strlen(err) > strlen(prefix));
	EXPECT(!strchr(err, '\n'));
	EXPECT_EQ(t.geo_policy, GEO_STRICT);
	trace_free(&t);
}

/*
 * Settling what the backend accepts changes nothing: a trace without a
 * geometry line (the format's default) and an accepted geometry line.
 * Expected: both settle to GEO_SETTLED with their geometry unchanged.
 */
static void test_trace_geometry_accepted_settles(void)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;
	struct trace t;
	char err[512] = "";

	EXPECT_EQ(parse("alloc 8\n", &t, err, sizeof(err)), 0);
	EXPECT_EQ(t.geo_policy, GEO_DEFAULT_IF_REFUSED);
	EXPECT_EQ(run_geometry_settle(&t, "t.trace", err, sizeof(err)), 0);
	EXPECT_EQ(t.geo_policy, GEO_SETTLED);
	EXPECT(t.geo.cpus == def.cpus && t.geo.page_size == def.page_size &&
	       t.geo.unit_size == def.unit_size &&
	       t.geo.static_size == def.static_size &&
	       t.geo.reserved_size == def.reserved_size &&
	       t.geo.dyn_size == def.dyn_size);
	trace_free(&t);
	EXPECT_EQ(parse("geometry cpus=2 unit=40960 dyn=20480\n", &t, err, sizeof(err)), 0);
	EXPECT_EQ(run_geometry_settle(&t, "t.trace", err, sizeof(err)), 0);
	EXPECT_EQ(t.geo_policy, GEO_SETTLED);
	EXPECT_EQ(t.geo.cpus, 2);
	EXPECT_EQ(t.geo.dyn_size, 20480);
	trace_free(&t);
}

/*
 * Input that is not UTF-8 text (a NUL, a stray continuation byte, an
 * overlong form, a surrogate, a truncated sequence) is refused as a whole.
 * Expected: "NAME:LINE: not text" naming the line of the first bad byte,
 * even when an earlier line has another error.
 */
static void test_trace_not_text(void)
{
	static const char nul[] = "alloc 1\nbalance\nalloc 2\0\nfree 0\n";
	struct trace t;
	char err[256];

	EXPECT_EQ(trace_parse_text("t.trace", nul, sizeof(nul) - 1, &t, err,
				   sizeof(err)),
		  -1);
	EXPECT_STR(err, "t.trace:3: not text");
	trace_free(&t);

	expect_error("alloc 1\n# caf\x80\n", "t.trace:2: not text");
	expect_error("# \xc0\xaf overlong\n", "t.trace:1: not text");
	expect_error("\n\n# \xed\xa0\x80 surrogate\n", "t.trace:3: not text");
	expect_error("# \xf4\x90\x80\x80 above U+10FFFF\n",
		     "t.trace:1: not text");
	expect_error("# truncated \xe2\x82", "t.trace:1: not text");
	expect_error("allc 1\n\xff\n", "t.trace:2: not text");
}

/*
 * Messages stay one line and bounded: control bytes in a quoted word are
 * escaped, long words are cut, and a small err buffer is not overrun.
 * Expected: the exact escaped/cut messages; a truncated, terminated err.
 */
static void test_trace_error_message_shape(void)
{
	struct trace t;
	char small[12];

	expect_error("alloc 1\r2\n",
		     "t.trace:1: bad number '1\\x0d2' for size");
	expect_error("x\x1b[2J\n", "t.trace:1: unknown operation 'x\\x1b[2J'");
	expect_error("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		     "t.trace:1: unknown operation "
		     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
	/* A cut never splits a UTF-8 character (here a 2-byte e-acute). */
	expect_error("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zz\n",
		     "t.trace:1: unknown operation "
		     "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");

	memset(small, 'X', sizeof(small));
	EXPECT_EQ(parse("bogus\n", &t, small, sizeof(small)), -1);
	EXPECT_STR(small, "t.trace:1: ");
	trace_free(&t);
	EXPECT_EQ(parse("bogus\n", &t, NULL, 0), -1);
	trace_free(&t);
}

/*
 * More than TRACE_MAX_OPS operations; comments and the geometry do not
 * count.  Expected: the limit itself parses; one more op is refused on its
 * line.
 */
static void test_trace_too_many_ops(void)
{
	size_t n = TRACE_MAX_OPS, i, len = 0;
	char *text = malloc(n * 8 + 64);
	struct trace t;
	char err[256];

	len += (size_t)sprintf(text, "geometry\n# x\n");
	for (i = 0; i < n; i++) {
		memcpy(text + len, "balance\n", 8);
		len += 8;
	}
	EXPECT_EQ(trace_parse_text("t.trace", text, len, &t, err, sizeof(err)),
		  0);
	EXPECT_EQ(t.nr_ops, TRACE_MAX_OPS);
	EXPECT_EQ(t.ops[n - 1].line, n + 2);
	trace_free(&t);

	len += (size_t)sprintf(text + len, "alloc 1\n");
	EXPECT_EQ(trace_parse_text("t.trace", text, len, &t, err, sizeof(err)),
		  -1);
	EXPECT_STR(err, "t.trace:1000003: too many operations (max 1000000)");
	trace_free(&t);
	free(text);
}

/*
 * trace_parse_file: a real file parses like its text and errors name the
 * path; a missing file and a directory cannot be opened.
 * Expected: "PATH:LINE: problem" / "PATH: cannot open: <strerror>".
 */
static void test_trace_parse_file(void)
{
	char path[] = "/tmp/test_trace_XXXXXX";
	char err[512], want[600];
	struct trace t;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	EXPECT(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs("geometry cpus=2\nalloc 8 atomic\nfree 0\n", f);
	fclose(f);
	EXPECT_EQ(trace_parse_file(path, &t, err, sizeof(err)), 0);
	EXPECT(t.has_geometry);
	EXPECT_EQ(t.nr_ops, 2);
	EXPECT(t.ops[0].atomic);
	trace_free(&t);

	f = fopen(path, "w");
	fputs("alloc 8\nfree 0\nfree 0\n", f);
	fclose(f);
	EXPECT_EQ(trace_parse_file(path, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: double free of id 0", path);
	EXPECT_STR(err, want);
	trace_free(&t);
	unlink(path);

	EXPECT_EQ(trace_parse_file(path, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "%s: cannot open: No such file or directory", path);
	EXPECT_STR(err, want);
	trace_free(&t);

	EXPECT_EQ(trace_parse_file("/", &t, err, sizeof(err)), -1);
	EXPECT_STR(err, "/: cannot open: Is a directory");
	trace_free(&t);
}

/*
 * trace_append numbers allocs itself, ignoring the id the op carries, and
 * trace_free may be called twice.
 * Expected: ids 0, 1; the free keeps its own id.
 */
static void test_trace_append_ids(void)
{
	struct trace_op alloc = { .kind = OP_ALLOC, .size = 8, .id = 77 };
	struct trace_op fr = { .kind = OP_FREE, .id = 0 };
	struct trace t;

	trace_init(&t);
	EXPECT(!t.has_geometry);
	EXPECT_EQ(t.geo.cpus, 4);
	EXPECT_EQ(trace_append(&t, &alloc), 0);
	EXPECT_EQ(trace_append(&t, &fr), 0);
	EXPECT_EQ(trace_append(&t, &alloc), 0);
	EXPECT_EQ(t.nr_ops, 3);
	EXPECT_EQ(t.nr_allocs, 2);
	EXPECT_EQ(t.ops[0].id, 0);
	EXPECT_EQ(t.ops[1].id, 0);
	EXPECT_EQ(t.ops[2].id, 1);
	EXPECT_EQ(alloc.id, 77);
	trace_free(&t);
	trace_free(&t);
	EXPECT(t.ops == NULL);
	EXPECT_EQ(t.nr_allocs, 0);
}

/*
 * Printed forms: the full geometry, alloc words in canonical order with
 * align only when non-zero, fail count only when not 1, fault names.
 * Expected: the exact lines, each ending in a newline.
 */
static void test_trace_print_forms(void)
{
	struct trace_op op = { .kind = OP_ALLOC, .size = 100 };
	struct trace t;
	char *s;

	trace_init(&t);
	s = print_trace(&t);
	EXPECT_STR(
		s,
		"geometry cpus=4 page=4096 unit=32768 static=8192 reserved=8192 dyn=16384\n");
	free(s);

	s = print_op(&op);
	EXPECT_STR(s, "alloc 100\n");
	free(s);
	op.align = 8;
	op.atomic = true;
	op.reserved = true;
	s = print_op(&op);
	EXPECT_STR(s, "alloc 100 align=8 atomic reserved\n");
	free(s);
	op.align = 0;
	op.atomic = false;
	s = print_op(&op);
	EXPECT_STR(s, "alloc 100 reserved\n");
	free(s);

	op = (struct trace_op){ .kind = OP_FREE, .id = 3 };
	s = print_op(&op);
	EXPECT_STR(s, "free 3\n");
	free(s);
	op = (struct trace_op){ .kind = OP_BALANCE };
	s = print_op(&op);
	EXPECT_STR(s, "balance\n");
	free(s);
	op = (struct trace_op){ .kind = OP_FAIL,
				.fault = PCPU_FAULT_PAGE,
				.count = 1 };
	s = print_op(&op);
	EXPECT_STR(s, "fail page\n");
	free(s);
	op.count = 2;
	s = print_op(&op);
	EXPECT_STR(s, "fail page 2\n");
	free(s);
	op.fault = PCPU_FAULT_MAP;
	op.count = 0;
	s = print_op(&op);
	EXPECT_STR(s, "fail map 0\n");
	free(s);
	op.fault = PCPU_FAULT_VMAP;
	op.count = 1;
	op.after = 3;
	s = print_op(&op);
	EXPECT_STR(s, "fail vmap after 3\n");
	free(s);
	op.count = 4;
	s = print_op(&op);
	EXPECT_STR(s, "fail vmap 4 after 3\n");
	free(s);

	EXPECT_STR(trace_fault_name(PCPU_FAULT_PAGE), "page");
	EXPECT_STR(trace_fault_name(PCPU_FAULT_CHUNK), "chunk");
	EXPECT_STR(trace_fault_name(PCPU_FAULT_MAP), "map");
	EXPECT_STR(trace_fault_name(PCPU_FAULT_VMAP), "vmap");
}

/* Ops of a and b are the same apart from source lines. */
static bool same_ops(const struct trace *a, const struct trace *b)
{
	size_t i;

	/* Field by field: struct padding is not part of a trace. */
	if (a->nr_ops != b->nr_ops || a->nr_allocs != b->nr_allocs ||
	    a->geo.cpus != b->geo.cpus ||
	    a->geo.page_size != b->geo.page_size ||
	    a->geo.unit_size != b->geo.unit_size ||
	    a->geo.static_size != b->geo.static_size ||
	    a->geo.reserved_size != b->geo.reserved_size ||
	    a->geo.dyn_size != b->geo.dyn_size)
		return false;
	for (i = 0; i < a->nr_ops; i++) {
		const struct trace_op *x = &a->ops[i], *y = &b->ops[i];

		if (x->kind != y->kind || x->size != y->size ||
		    x->align != y->align || x->atomic != y->atomic ||
		    x->reserved != y->reserved || x->id != y->id ||
		    (x->kind == OP_FAIL &&
		     (x->fault != y->fault || x->count != y->count ||
		      x->after != y->after)))
			return false;
	}
	return true;
}

/*
 * Round trip: parse -> print -> parse -> print on traces with every op
 * form and flag, hex, comments and default geometry.
 * Expected: both parses agree op by op, both prints are identical, and the
 * printed geometry is always explicit.
 */
static void test_trace_round_trip(void)
{
	static const char *const traces[] = {
		"",
		"alloc 100\n",
		("# all flags\n"
		 "geometry cpus=2 page=4096 unit=65536 static=4096 reserved=0 dyn=20480\n"
		 "alloc 100 align=8 atomic reserved\n"
		 "alloc 0x40 reserved align=0x1000\n"
		 "alloc 3 atomic\n"
		 "fail page\n"
		 "fail chunk 2\n"
		 "fail map 0\n"
		 "fail vmap after 2\n"
		 "fail page 0 after 1\n"
		 "fail chunk 3 after 1000000\n"
		 "alloc 32768 align=3\n"
		 "free 1\n"
		 "balance\n"
		 "free 0\n"
		 "alloc 0\n"
		 "free 4\n"),
		("geometry reserved=4096\r\n\talloc 8 atomic\r\nfree 0 # x\r\n"
		 "fail map 1000000\r\n"
		 "alloc 18446744073709551615 align=18446744073709551615\r\n"),
	};
	size_t i;

	for (i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		struct trace a, b;
		char *s1, *s2;

		parse_ok(traces[i], &a);
		s1 = print_trace(&a);
		EXPECT(!strncmp(s1, "geometry cpus=", 14));
		parse_ok(s1, &b);
		s2 = print_trace(&b);
		EXPECT_STR(s1, s2);
		EXPECT(same_ops(&a, &b));
		EXPECT(b.has_geometry);
		free(s1);
		free(s2);
		trace_free(&a);
		trace_free(&b);
	}
}

/*
 * Fix lists: all, none, empty, names with whitespace, "all" inside a list,
 * unknown and empty names; printing; and the PCPU_FIXES variable.
 * Expected: the bit sets; exact messages for unknown names.
 */
static void test_fixes(void)
{
	const char *saved = getenv("PCPU_FIXES");
	char *saved_copy = saved ? strdup(saved) : NULL;
	unsigned int fixes = 99;
	char err[256] = "";
	char *s;

	EXPECT_EQ(fixes_parse("all", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, PCPU_FIX_ALL);
	EXPECT_EQ(fixes_parse("none", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, 0);
	fixes = 99;
	EXPECT_EQ(fixes_parse("", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, 0);
	fixes = 99;
	EXPECT_EQ(fixes_parse("  \t", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, 0);
	EXPECT_EQ(fixes_parse("align-pow2", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, PCPU_FIX_ALIGN_POW2);
	EXPECT_EQ(fixes_parse("slot-walk", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, PCPU_FIX_SLOT_WALK);
	EXPECT_EQ(fixes_parse("map-unwind", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, PCPU_FIX_MAP_UNWIND);
	EXPECT_EQ(fixes_parse(" slot-walk , align-pow2 ", &fixes, err,
			      sizeof(err)),
		  0);
	EXPECT_EQ(fixes, PCPU_FIX_ALIGN_POW2 | PCPU_FIX_SLOT_WALK);
	EXPECT_EQ(fixes_parse("slot-walk,all", &fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, PCPU_FIX_ALL);
	EXPECT_STR(err, "");

	fixes = 99;
	EXPECT_EQ(fixes_parse("align-pow2,x", &fixes, err, sizeof(err)), -1);
	EXPECT_STR(err, "unknown fix 'x' (known: align-pow2, slot-walk, map-unwind, pop-fail-count, all)");
	EXPECT_EQ(fixes, 99);
	EXPECT_EQ(fixes_parse("ALL", &fixes, err, sizeof(err)), -1);
	EXPECT_STR(err,
		   "unknown fix 'ALL' (known: align-pow2, slot-walk, map-unwind, pop-fail-count, all)");
	EXPECT_EQ(fixes_parse("slot-walk,", &fixes, err, sizeof(err)), -1);
	EXPECT_STR(err, "unknown fix '' (known: align-pow2, slot-walk, map-unwind, pop-fail-count, all)");
	EXPECT_EQ(fixes_parse("align-pow2 slot-walk", &fixes, err, sizeof(err)),
		  -1);
	EXPECT_STR(
		err,
		"unknown fix 'align-pow2 slot-walk' (known: align-pow2, slot-walk, map-unwind, pop-fail-count, all)");

	s = print_fixes(0);
	EXPECT_STR(s, "none");
	free(s);
	s = print_fixes(PCPU_FIX_SLOT_WALK);
	EXPECT_STR(s, "slot-walk");
	free(s);
	s = print_fixes(PCPU_FIX_ALL);
	EXPECT_STR(s, "align-pow2,slot-walk,map-unwind,pop-fail-count");
	free(s);
	/* The printed list parses back to the same set. */
	EXPECT_EQ(fixes_parse("align-pow2,slot-walk,map-unwind,pop-fail-count", &fixes, err, sizeof(err)),
		  0);
	EXPECT_EQ(fixes, PCPU_FIX_ALL);

	unsetenv("PCPU_FIXES");
	fixes = 99;
	EXPECT_EQ(fixes_from_env(&fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, 0);
	setenv("PCPU_FIXES", "slot-walk", 1);
	EXPECT_EQ(fixes_from_env(&fixes, err, sizeof(err)), 0);
	EXPECT_EQ(fixes, PCPU_FIX_SLOT_WALK);
	setenv("PCPU_FIXES", "bogus", 1);
	EXPECT_EQ(fixes_from_env(&fixes, err, sizeof(err)), -1);
	EXPECT_STR(
		err,
		"PCPU_FIXES: unknown fix 'bogus' (known: align-pow2, slot-walk, map-unwind, pop-fail-count, all)");

	if (saved_copy)
		setenv("PCPU_FIXES", saved_copy, 1);
	else
		unsetenv("PCPU_FIXES");
	free(saved_copy);
}

void suite_trace(void)
{
	RUN(test_trace_alloc_forms);
	RUN(test_trace_free_balance_fail);
	RUN(test_trace_fail_after);
	RUN(test_trace_defaults);
	RUN(test_trace_geometry_keys);
	RUN(test_trace_lexical);
	RUN(test_trace_numbers);
	RUN(test_trace_bad_numbers);
	RUN(test_trace_syntax_errors);
	RUN(test_trace_free_errors);
	RUN(test_trace_geometry_position);
	RUN(test_trace_geometry_refused);
	RUN(test_trace_geometry_accepted_settles);
	RUN(test_trace_not_text);
	RUN(test_trace_error_message_shape);
	RUN(test_trace_too_many_ops);
	RUN(test_trace_parse_file);
	RUN(test_trace_append_ids);
	RUN(test_trace_print_forms);
	RUN(test_trace_round_trip);
	RUN(test_fixes);
}
