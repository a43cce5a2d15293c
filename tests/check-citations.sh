#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Citations of docs/: every citation such as `docs/allocator.md §5.2` must name a file
# that exists and a section whose heading (`## §N ...`, `### §N ...`) it
# has.  A list goes with the file before it: in `docs/allocator.md §5.2,
# §6 and §13.1` all three are checked against docs/allocator.md.  A bare
# `§N` belongs to the file's own doc when the file is in docs/, otherwise
# to the first docs/ file the file names; a bare `§N` in a file that names
# none is a failure (it would cite nothing).  Citations of the team's
# reference outside the repository (`reference §`, area-map-allocator,
# the old fuzzers/FORMAT.md) fail too.
#
# Scanned: source, scripts, make files, traces, mutant specs and Markdown,
# outside .git, build/ and $BUILD.  POSIX sh and awk.
#
#   sh tests/check-citations.sh       (run from the repository root)
#
# One assertion per citation; ends with "citations: N passed, N failed".
SUITE=citations
. tests/lib.sh

BUILD=${BUILD:-build}
LC_ALL=C
export LC_ALL

# The headings of every doc: "FILE N" per numbered section.
for d in docs/*.md; do
	[ -f "$d" ] || continue
	sed -n 's/^#\{1,6\} §\([0-9][0-9A-Za-z.]*\).*/\1/p' "$d" |
		sed 's/\.$//' | while read -r n; do echo "$d $n"; done
done >"$tmp/sections"

find . \( -path ./.git -o -path ./build -o -path "./${BUILD#./}" \) -prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.mk' \
	-o -name Makefile -o -name '*.md' -o -name '*.trace' -o -name '*.mutant' \
	-o -name '*.dict' -o -name '*.yml' \) -print |
	grep -v '^\./tests/check-citations\.sh$' | sort >"$tmp/files"

# One line per citation: "ok|bad FILE:LINE CITATION [why]".
while read -r f; do
	awk -v file="$f" -v sections="$tmp/sections" '
	BEGIN {
		while ((getline l < sections) > 0) {
			split(l, a, " ")
			have[a[1] " " a[2]] = 1
			isdoc[a[1]] = 1
		}
		home = ""
		if (file ~ /^\.\/docs\/[^\/]*\.md$/)
			home = substr(file, 3)
	}
	function exists(path,   line, r) {
		if (path in known)
			return known[path]
		r = (getline line < path) >= 0
		close(path)
		known[path] = r
		return r
	}
	function cite(doc, sec, where) {
		sub(/\.$/, "", sec)
		if (!exists(doc))
			print "bad " where " " doc " §" sec " (no such file)"
		else if (!((doc " " sec) in have))
			print "bad " where " " doc " §" sec " (no such section)"
		else
			print "ok " where " " doc " §" sec
	}
	{
		where = file ":" FNR
		sub(/^\.\//, "", where)
		line = $0
		if (line ~ /reference §|area-map-allocator|fuzzers\/FORMAT\.md/)
			print "bad " where " stale citation of the team reference (use docs/)"
		rest = line
		# explicit citations, with the lists that follow them
		while (match(rest, /docs\/[A-Za-z0-9_-]+\.md( §[0-9][0-9A-Za-z.]*((,| and| or|,? and)? §[0-9][0-9A-Za-z.]*)*)?/)) {
			m = substr(rest, RSTART, RLENGTH)
			rest = substr(rest, 1, RSTART - 1) " " substr(rest, RSTART + RLENGTH)
			doc = m
			sub(/ .*/, "", doc)
			if (home == "")
				home = doc
			if (m !~ /§/) {
				if (!exists(doc))
					print "bad " where " " doc " (no such file)"
				continue
			}
			n = split(substr(m, length(doc) + 1), parts, /§/)
			for (i = 2; i <= n; i++) {
				s = parts[i]
				sub(/[^0-9A-Za-z.].*/, "", s)
				cite(doc, s, where)
			}
		}
		# bare citations
		while (match(rest, /§[0-9][0-9A-Za-z.]*/)) {
			s = substr(rest, RSTART + 2, RLENGTH - 2)
			rest = substr(rest, RSTART + RLENGTH)
			if (home == "")
				print "bad " where " §" s " (bare, and the file names no docs/ file before it)"
			else
				cite(home, s, where)
		}
	}' "$f"
done <"$tmp/files" >"$tmp/citations"

while read -r status rest; do
	case $status in
	ok) ok ;;
	*) ko "$rest" ;;
	esac
done <"$tmp/citations"

finish
