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
	/* the open block of nested operations (docs/interleavings.md §4) */
	bool in_block;
	unsigned int block_line;
	size_t outer;		   /* index of the block's outer op in t->ops */
	unsigned int block_min_id; /* ids from here on are not handed out yet */
	size_t block_ops;
	bool have_at;
	char at[TRACE_POINT_MAX];
	unsigned int at_nth;
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
	p->t->geo = geo;
	p->t->geo_policy = GEO_STRICT;
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
	if (p->in_block && id >= p->block_min_id)
		return parse_error(p,
				   "free %zu: allocation %zu is made in the same block",
				   id, id);

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

/* One operation's words (not geometry) into op; its kind is set here. */
static int parse_op(struct parser *p, const struct trace_word *w,
		    const char *pos, const char *end, struct trace_op *op)
{
	struct trace_word extra;
	char q[TRACE_QUOTE_MAX];

	if (trace_word_is(w, "alloc")) {
		op->kind = OP_ALLOC;
		return parse_alloc(p, pos, end, op);
	}
	if (trace_word_is(w, "free")) {
		op->kind = OP_FREE;
		return parse_free(p, pos, end, op);
	}
	if (trace_word_is(w, "balance")) {
		op->kind = OP_BALANCE;
		return trace_next_word(&pos, end, &extra) ?
			       extra_argument(p, &extra, "balance") :
			       0;
	}
	if (trace_word_is(w, "fail")) {
		op->kind = OP_FAIL;
		return parse_fail(p, pos, end, op);
	}
	trace_quote_word(w, q, sizeof(q));
	return parse_error(p, "unknown operation '%s'", q);
}

static int append_op(struct parser *p, const struct trace_op *op)
{
	if (p->t->nr_ops >= TRACE_MAX_OPS)
		return parse_error(p, "too many operations (max %d)",
				   TRACE_MAX_OPS);
	if (trace_append(p->t, op))
		return parse_error(p, "out of memory");
	p->seen_op = true;
	return 0;
}

/* What a refused nesting is called in its error message. */
static const char *mutex_op_name(const struct trace_op *op)
{
	return op->kind == OP_BALANCE ? "balance" : "alloc (non-atomic)";
}

static bool point_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/* name is a point name: [a-z0-9_-], 1 to TRACE_POINT_MAX - 1 bytes. */
static int set_point(struct parser *p, const struct trace_word *name)
{
	char q[TRACE_QUOTE_MAX];
	size_t i;
	bool ok = name->len > 0 && name->len < TRACE_POINT_MAX;

	for (i = 0; ok && i < name->len; i++)
		ok = point_char(name->s[i]);
	if (!ok) {
		trace_quote_word(name, q, sizeof(q));
		return parse_error(p, "bad point name '%s'", q);
	}
	memcpy(p->at, name->s, name->len);
	p->at[name->len] = '\0';
	return 0;
}

/*
 * `at NAME:`, `at NAME :`, `at NAME K:` or `at NAME K :`, the `at` already
 * read; *pos is left after the colon.
 */
static int parse_at(struct parser *p, const char **pos, const char *end)
{
	struct trace_word name, w;
	size_t nth = 1;

	if (!trace_next_word(pos, end, &name))
		return parse_error(p, "missing POINT after 'at'");
	if (name.len > 1 && name.s[name.len - 1] == ':') {
		name.len--;
		goto done;
	}
	if (!trace_next_word(pos, end, &w))
		return parse_error(p, "missing ':' after the point");
	if (!trace_word_is(&w, ":")) {
		if (w.s[0] < '0' || w.s[0] > '9')
			return parse_error(p, "missing ':' after the point");
		bool colon = w.len > 1 && w.s[w.len - 1] == ':';
		struct trace_word colon_w;

		if (colon)
			w.len--;
		if (parse_value(p, &w, "occurrence", TRACE_MAX_AT_NTH, &nth))
			return -1;
		if (nth == 0)
			return parse_error(p, "occurrence must be at least 1");
		if (!colon && (!trace_next_word(pos, end, &colon_w) ||
			       !trace_word_is(&colon_w, ":")))
			return parse_error(p, "missing ':' after the point");
	}
done:
	if (set_point(p, &name))
		return -1;
	p->at_nth = (unsigned int)nth;
	p->have_at = true;
	return 0;
}

/* One nested operation of the open block, from [pos, end) (not blank). */
static int parse_nested(struct parser *p, const char *pos, const char *end)
{
	const struct trace_op *outer = &p->t->ops[p->outer];
	struct trace_op op = { .line = p->line, .nested = true };
	struct trace_word w;

	if (!trace_next_word(&pos, end, &w))
		return 0;
	if (trace_word_is(&w, "at")) {
		if (parse_at(p, &pos, end))
			return -1;
		if (!trace_next_word(&pos, end, &w))
			return parse_error(p,
					   "missing operation after 'at %s:'",
					   p->at);
	} else if (!p->have_at) {
		return parse_error(
			p,
			"missing 'at POINT:' before the first nested operation");
	}
	if (trace_word_is(&w, "geometry"))
		return parse_error(p, "geometry cannot nest");
	memcpy(op.at, p->at, sizeof(op.at));
	op.at_nth = p->at_nth;
	if (parse_op(p, &w, pos, end, &op))
		return -1;
	if (!trace_nest_allowed(outer, &op))
		return parse_error(
			p,
			"%s cannot run inside %s: it needs pcpu_alloc_mutex, which the outer operation holds",
			mutex_op_name(&op),
			outer->kind == OP_BALANCE ? "balance" :
						    "a non-atomic alloc");
	p->block_ops++;
	/* the outer op may move when ops[] grows */
	return append_op(p, &op);
}

/*
 * The text of the open block on one line: nested operations separated by
 * `;`, the last one possibly followed by the `}` that closes the block.
 */
static int parse_block_text(struct parser *p, const char *pos,
			    const char *end)
{
	for (;;) {
		const char *semi = memchr(pos, ';', (size_t)(end - pos));
		const char *seg_end = semi ? semi : end;
		const char *last = seg_end, *close;
		bool closing = false;

		if (memchr(pos, '{', (size_t)(seg_end - pos)))
			return parse_error(p, "nesting is one level deep");
		while (last > pos && (last[-1] == ' ' || last[-1] == '\t'))
			last--;
		if (last > pos && last[-1] == '}') {
			closing = true;
			last--;
		}
		close = memchr(pos, '}', (size_t)(last - pos));
		if (close)
			return parse_error(p, "'}' must end the block");
		if (parse_nested(p, pos, last))
			return -1;
		if (closing) {
			struct trace_word w;
			const char *rest = seg_end;

			if (!p->block_ops)
				return parse_error(p, "empty block");
			p->in_block = false;
			if (semi && (rest = semi + 1, trace_next_word(&rest, end, &w)))
				return parse_error(p, "text after '}'");
			return 0;
		}
		if (!semi)
			return 0;
		pos = semi + 1;
	}
}

/* One line without its line end; comments and blank lines yield nothing. */
static int parse_line(struct parser *p, const char *pos, const char *end)
{
	const char *hash = memchr(pos, '#', (size_t)(end - pos));
	const char *brace, *op_end;
	struct trace_op op = { 0 };
	struct trace_word w;
	unsigned int min_id;

	if (hash)
		end = hash;
	if (p->in_block)
		return parse_block_text(p, pos, end);

	brace = memchr(pos, '{', (size_t)(end - pos));
	op_end = brace ? brace : end;
	if (!trace_next_word(&pos, op_end, &w)) {
		if (brace)
			return parse_error(p, "'{' without an operation");
		return 0;
	}
	if (trace_word_is(&w, "}"))
		return parse_error(p, "'}' without an open block");
	if (trace_word_is(&w, "geometry")) {
		if (brace)
			return parse_error(p, "geometry cannot open a block");
		return parse_geometry(p, pos, end);
	}

	op.line = p->line;
	min_id = p->t->nr_allocs;
	if (parse_op(p, &w, pos, op_end, &op))
		return -1;
	if (brace && op.kind == OP_FAIL)
		return parse_error(p, "fail cannot open a block");
	if (append_op(p, &op))
		return -1;
	if (!brace)
		return 0;

	p->in_block = true;
	p->block_line = p->line;
	p->outer = p->t->nr_ops - 1;
	p->block_min_id = min_id;
	p->block_ops = 0;
	p->have_at = false;
	return parse_block_text(p, brace + 1, end);
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
	if (!ret && p.in_block)
		ret = parse_error(&p, "block opened on line %u is not closed",
				  p.block_line);

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
