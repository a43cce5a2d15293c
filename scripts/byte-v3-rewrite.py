#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Rewrite byte-form inputs of version 2 as version 3 (fuzzers/FORMAT.md).

Version 3 changed only the fail opcode: kind 3, a second spelling of
`page` in version 2, is `vmap`; and the long form (count bits 7) carries an
after byte behind its u32 count.  So a version-2 input decodes under
version 3 to the same trace once (1) each fail opcode of kind 3 gets kind
0, (2) a zero after byte is inserted behind each long-form count that has
bytes after it (at the end of the input the missing byte reads as zero
anyway), and (3) the version byte says 3.  The header and every other
byte stay as they are, so a refused or repaired geometry decodes as it
did on every backend.  The operations are walked exactly as version 2's
fuzzers/input_ops.c did (input_split_ops), stopping where its decoder
stopped.

usage: byte-v3-rewrite.py FILE...   (rewrites in place; prints what changed)
"""
import sys

MAX_OPS = 4096
MAX_LIVE = 512


def byte_at(d, i):
    return d[i] if i < len(d) else 0


def op_len_v2(d, off):
    o = byte_at(d, off)
    k = o >> 5
    if k <= 3:
        n = 1 + [1, 1, 2, 2, 1, 0, 4, 8][o & 7]
        if o & 0x08:
            n += 9 if byte_at(d, off + n) == 0xFF else 1
        return n
    if k <= 5:
        return 3 if (o & 31) == 31 else 1
    if k == 6:
        return 1
    return 5 if (o & 7) == 7 else 1


def fail_ops_v2(d):
    """Offsets of the fail opcodes version 2's decoder reads."""
    pos = 21 if byte_at(d, 1) == 0xFF else 4  # 2 + GEO_RAW_LEN (19), or 4
    decoded = outstanding = 0
    fails = []
    while pos < len(d) and decoded < MAX_OPS:
        k = d[pos] >> 5
        noop = False
        if k <= 3:
            if outstanding == MAX_LIVE:
                noop = True
            else:
                outstanding += 1
        elif k <= 5:
            if not outstanding:
                noop = True
            else:
                outstanding -= 1
        elif k == 7:
            fails.append(pos)
        pos += op_len_v2(d, pos)
        decoded += not noop
    return fails


def rewrite(d):
    d = bytearray(d)
    kinds = longs = 0
    for off in reversed(fail_ops_v2(d)):  # from the end: offsets stay valid
        if (d[off] >> 3) & 3 == 3:
            d[off] &= ~0x18 & 0xFF
            kinds += 1
        if d[off] & 7 == 7:
            if off + 5 < len(d):
                d[off + 5:off + 5] = b"\0"
            longs += 1
    if d:
        d[0] = 3
    return bytes(d), kinds, longs


def main(paths):
    for p in paths:
        with open(p, "rb") as f:
            old = f.read()
        new, kinds, longs = rewrite(old)
        if new != old:
            with open(p, "wb") as f:
                f.write(new)
        print(f"{p}: kind 3 -> page: {kinds}, long forms: {longs}")


if __name__ == "__main__":
    main(sys.argv[1:])
