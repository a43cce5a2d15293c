/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parser of the text trace form (docs/trace-format.md §1, §2, §4.1).
 * Everything that makes a trace unusable is found here, before any operation
 * runs: bad words, a free of an id that was never allocated or is already
 * freed, and a geometry the kernel's first-chunk setup would refuse.  The first
 * problem ends parsing with one line "NAME:LINE: problem".
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "trace_text.h"

struct parser {
	const char *name;
	unsigned int line;
	struct trace *t;
	bool seen_op;
	/* freed[id] != 0 once `free id` was parsed; grown on demand. */
	unsigned char *freed;
	size_t freed_cap;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3))) static int
parse_error(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!p->err || !p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->name, p->line, msg);
	return -1;
}

/* Parse w as the value of `what`; values above max are out of range. */
static int parse_value(struct parser *p, const struct trace_word *w,
		       const char *what, size_t max, size_t *out)
{
	char q[TRACE_QUOTE_MAX];

	switch (trace_parse_number(w, out)) {
	case TRACE_NUM_OK:
		if (*out <= max)
			return 0;
		trace_quote_word(w, q, sizeof(q));
		return parse_error(p,
				   "number out of range '%s' for %s (max %zu)",
				   q, what, max);
	case TRACE_NUM_RANGE:
		trace_quote_word(w, q, sizeof(q));
		return parse_error(p, "number out of range '%s' for %s", q,
				   what);
	default:
		trace_quote_word(w, q, sizeof(q));
		return parse_error(p, "bad number '%s' for %s", q, what);
	}
}

static int extra_argument(struct parser *p, const struct trace_word *w,
			  const char *op)
{
	char q[TRACE_QUOTE_MAX];

	trace_quote_word(w, q, sizeof(q));
	return parse_error(p, "extra argument '%s' for %s", q, op);
}

static int unknown_key(struct parser *p, const struct trace_word *w,
		       const char *op)
{
	char q[TRACE_QUOTE_MAX];

	trace_quote_word(w, q, sizeof(q));
	return parse_error(p, "unknown key '%s' for %s", q, op);
}

/* Split "key=value"; false when w has no '='. */
static bool split_key(const struct trace_word *w, struct trace_word *key,
		      struct trace_word *val)
{
	const char *eq = memchr(w->s, '=', w->len);

	if (!eq)
		return false;
	key->s = w->s;
	key->len = (size_t)(eq - w->s);
	val->s = eq + 1;
	val->len = w->len - key->len - 1;
	return true;
}

/* The keys of a geometry line, in printing order. */
enum {
	GEO_CPUS,
	GEO_PAGE,
	GEO_UNIT,
	GEO_STATIC,
	GEO_RESERVED,
	GEO_DYN,
	NR_GEO
};

static const char *const geometry_keys[NR_GEO] = {
	"cpus", "page", "unit", "static", "reserved", "dyn",
};

static int parse_geometry(struct parser *p, const char *pos, const char *end)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;
	size_t val[NR_GEO] = {
		[GEO_CPUS] = def.cpus,
		[GEO_PAGE] = def.page_size,
		[GEO_UNIT] = def.unit_size,
		[GEO_STATIC] = def.static_size,
		[GEO_RESERVED] = def.reserved_size,
		[GEO_DYN] = def.dyn_size,
	};
	struct trace_word w, key, value;
	struct pcpu_geometry geo = def;
	char reason[256], *nl;
	unsigned int seen = 0;
	size_t i;

	if (p->t->has_geometry)
		return parse_error(p, "duplicate geometry (first on line %u)",
				   p->t->geometry_line);
	if (p->seen_op)
		return parse_error(p, "geometry must be the first operation");

	while (trace_next_word(&pos, end, &w)) {
		if (!split_key(&w, &key, &value)) {
			for (i = 0; i < NR_GEO; i++)
				if (trace_word_is(&w, geometry_keys[i]))
					return parse_error(
						p, "missing value for %s",
						geometry_keys[i]);
			return unknown_key(p, &w, "geometry");
		}
		for (i = 0; i < NR_GEO; i++)
			if (trace_word_is(&key, geometry_keys[i]))
				break;
		if (i == NR_GEO)
			return unknown_key(p, &key, "geometry");
		if (seen & (1u << i))
			return parse_error(p, "duplicate key '%s'",
					   geometry_keys[i]);
		seen |= 1u << i;
		/* cpus is an unsigned int in struct pcpu_geometry. */
		if (parse_value(p, &value, geometry_keys[i],
				i == GEO_CPUS ? UINT_MAX : SIZE_MAX, &val[i]))
			return -1;
	}

	geo.cpus = (unsigned int)val[GEO_CPUS];
	geo.page_size = val[GEO_PAGE];
	geo.unit_size = val[GEO_UNIT];
	geo.static_size = val[GEO_STATIC];
	geo.reserved_size = val[GEO_RESERVED];
	geo.dyn_size = val[GEO_DYN];
	reason[0] = '\0';
	if (backend_geometry_check(&geo, reason, sizeof(reason))) {
		/* The contract is one line, whatever the backend wrote. */
		nl = strchr(reason, '\n');
		if (nl)
			*nl = '\0';
		return parse_error(p, "bad geometry: %s",
				   reason[0] ? reason : "refused");
	}
	p->t->geo = geo;
	p->t->has_geometry = true;
	p->t->geometry_line = p->line;
	return 0;
}

static int parse_alloc(struct parser *p, const char *pos, const char *end,
		       struct trace_op *op)
{
	struct trace_word w, key, val;
	bool have_align = false;
	char q[TRACE_QUOTE_MAX];

	if (!trace_next_word(&pos, end, &w))
		return parse_error(p, "missing SIZE for alloc");
	if (parse_value(p, &w, "size", SIZE_MAX, &op->size))
		return -1;

	while (trace_next_word(&pos, end, &w)) {
		if (trace_word_is(&w, "atomic") ||
		    trace_word_is(&w, "reserved")) {
			bool *flag =
				w.s[0] == 'a' ? &op->atomic : &op->reserved;

			if (*flag) {
				trace_quote_word(&w, q, sizeof(q));
				return parse_error(p, "duplicate key '%s'", q);
			}
			*flag = true;
		} else if (trace_word_is(&w, "align")) {
			return parse_error(p, "missing value for align");
		} else if (split_key(&w, &key, &val) &&
			   trace_word_is(&key, "align")) {
			if (have_align)
				return parse_error(p, "duplicate key 'align'");
			have_align = true;
			if (parse_value(p, &val, "align", SIZE_MAX, &op->align))
				return -1;
		} else {
			return unknown_key(p, &w, "alloc");
		}
	}
	return 0;
}

static int parse_free(struct parser *p, const char *pos, const char *end,
		      struct trace_op *op)
{
	unsigned char *freed;
	struct trace_word w;
	size_t id, cap;

	if (!trace_next_word(&pos, end, &w))
		return parse_error(p, "missing ID for free");
	if (parse_value(p, &w, "id", SIZE_MAX, &id))
		return -1;
	if (trace_next_word(&pos, end, &w))
		return extra_argument(p, &w, "free");
	/* Only ids of earlier alloc lines exist (nr_allocs counts them). */
	if (id >= p->t->nr_allocs)
		return parse_error(p, "free of unknown id %zu", id);

	if (id >= p->freed_cap) {
		cap = p->t->nr_allocs;
		freed = realloc(p->freed, cap);
		if (!freed)
			return parse_error(p, "out of memory");
		memset(freed + p->freed_cap, 0, cap - p->freed_cap);
		p->freed = freed;
		p->freed_cap = cap;
	}
	if (p->freed[id])
		return parse_error(p, "double free of id %zu", id);
	p->freed[id] = 1;
	op->id = (unsigned int)id;
	return 0;
}

/* fail KIND [COUNT] [after N] */
static int parse_fail(struct parser *p, const char *pos, const char *end,
		      struct trace_op *op)
{
	struct trace_word w;
	char q[TRACE_QUOTE_MAX];
	size_t count = 1, after = 0;
	bool more;
	int f;

	if (!trace_next_word(&pos, end, &w))
		return parse_error(
			p, "missing KIND for fail (page, chunk, map or vmap)");
	for (f = 0; f < PCPU_NR_FAULTS; f++)
		if (trace_word_is(&w, trace_fault_name((enum pcpu_fault)f)))
			break;
	if (f == PCPU_NR_FAULTS) {
		trace_quote_word(&w, q, sizeof(q));
		return parse_error(
			p,
			"unknown fail kind '%s' (known: page, chunk, map, vmap)",
			q);
	}
	op->fault = (enum pcpu_fault)f;
	more = trace_next_word(&pos, end, &w);
	if (more && !trace_word_is(&w, "after")) {
		if (parse_value(p, &w, "count", TRACE_MAX_FAIL_COUNT, &count))
			return -1;
		more = trace_next_word(&pos, end, &w);
	}
	if (more && trace_word_is(&w, "after")) {
		if (!trace_next_word(&pos, end, &w))
			return parse_error(p, "missing N after 'after'");
		if (parse_value(p, &w, "after", TRACE_MAX_FAIL_AFTER, &after))
			return -1;
		more = trace_next_word(&pos, end, &w);
	}
	if (more)
		return extra_argument(p, &w, "fail");
	op->count = (unsigned int)count;
	op->after = (unsigned int)after;
	return 0;
}

/* One line without its line end; comments and blank lines yield nothing. */
static int parse_line(struct parser *p, const char *pos, const char *end)
{
	const char *hash = memchr(pos, '#', (size_t)(end - pos));
	struct trace_op op = { 0 };
	char q[TRACE_QUOTE_MAX];
	struct trace_word w;
	int ret;

	if (hash)
		end = hash;
	if (!trace_next_word(&pos, end, &w))
		return 0;

	if (trace_word_is(&w, "geometry"))
		return parse_geometry(p, pos, end);

	op.line = p->line;
	if (trace_word_is(&w, "alloc")) {
		op.kind = OP_ALLOC;
		ret = parse_alloc(p, pos, end, &op);
	} else if (trace_word_is(&w, "free")) {
		op.kind = OP_FREE;
		ret = parse_free(p, pos, end, &op);
	} else if (trace_word_is(&w, "balance")) {
		op.kind = OP_BALANCE;
		ret = trace_next_word(&pos, end, &w) ?
			      extra_argument(p, &w, "balance") :
			      0;
	} else if (trace_word_is(&w, "fail")) {
		op.kind = OP_FAIL;
		ret = parse_fail(p, pos, end, &op);
	} else {
		trace_quote_word(&w, q, sizeof(q));
		return parse_error(p, "unknown operation '%s'", q);
	}
	if (ret)
		return ret;

	if (p->t->nr_ops >= TRACE_MAX_OPS)
		return parse_error(p, "too many operations (max %d)",
				   TRACE_MAX_OPS);
	if (trace_append(p->t, &op))
		return parse_error(p, "out of memory");
	p->seen_op = true;
	return 0;
}

/* Line number (1-based) of byte offset off. */
static unsigned int line_of(const char *text, size_t off)
{
	unsigned int line = 1;
	size_t i;

	for (i = 0; i < off && line < UINT_MAX; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

/*
 * t is initialised here, so callers need not; on error it is left empty
 * (trace_free() done), so calling trace_free() afterwards is optional.
 */
int trace_parse_text(const char *name, const char *text, size_t len,
		     struct trace *t, char *err, size_t errlen)
{
	struct parser p = {
		.name = name,
		.t = t,
		.err = err,
		.errlen = errlen,
	};
	const char *pos, *end, *eol, *next;
	size_t bad;
	int ret = 0;

	trace_init(t);
	if (err && errlen)
		err[0] = '\0';
	/* Pointer arithmetic on NULL is undefined even with len 0. */
	if (!text) {
		text = "";
		len = 0;
	}
	pos = text;
	end = text + len;

	/*
	 * Reject binary input as a whole before reading any word, so that a
	 * fuzz input passed by mistake is reported as such and no message
	 * ever echoes invalid bytes.
	 */
	bad = trace_text_invalid_at(text, len);
	if (bad < len) {
		p.line = line_of(text, bad);
		return parse_error(&p, "not text");
	}
	/* Editors on some systems start UTF-8 files with a byte order mark. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos += 3;

	while (pos < end) {
		if (p.line == UINT_MAX) {
			ret = parse_error(&p, "too many lines");
			break;
		}
		p.line++;
		eol = memchr(pos, '\n', (size_t)(end - pos));
		next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		/* Accept CRLF line ends (and a CR before the end of text). */
		if (eol > pos && eol[-1] == '\r')
			eol--;
		ret = parse_line(&p, pos, eol);
		if (ret)
			break;
		pos = next;
	}

	free(p.freed);
	if (ret)
		trace_free(t);
	return ret;
}

int trace_parse_file(const char *path, struct trace *t, char *err,
		     size_t errlen)
{
	size_t len = 0, cap = 0, n;
	char *buf = NULL, *nbuf;
	FILE *f;
	int ret;

	trace_init(t);
	f = fopen(path, "rb");
	if (!f)
		goto io_error;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			nbuf = cap > len ? realloc(buf, cap) : NULL;
			if (!nbuf) {
				errno = ENOMEM;
				goto io_error;
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			/* errno is the failed read's (e.g. EISDIR). */
			if (ferror(f))
				goto io_error;
			break;
		}
	}
	fclose(f);
	ret = trace_parse_text(path, buf, len, t, err, errlen);
	free(buf);
	return ret;

io_error:
	if (err && errlen)
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
	if (f)
		fclose(f);
	free(buf);
	return -1;
}
