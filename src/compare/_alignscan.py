"""The compiled kernel of :func:`compare.align._scan_rows` (numba; imported only when used).

Plain multiply-then-add in the order written: numba does not fuse them into FMA without
``fastmath``, so each score is the sum, over the terms two rows share in ascending order,
of ``x_t * y_t``, bit-identical to the sparse products (``scipy``) of the dense slab.
Compiled once and cached on disk (``cache=True``), it releases the GIL (``nogil=True``)
so that several threads can share the index.
"""

from __future__ import annotations

import numba
import numpy as np

#: A candidate is scored exactly when its fast score is within this of its group's fast
#: maximum. The fast score uses the weights rounded to float32 (relative error 2**-24 each,
#: so at most 6e-8 on a cosine in [0, 1]) and four partial sums (about 1e-14): no maximum,
#: and no tie, is missed.
MARGIN = 1e-6


def in_threads(kernel, rows: int, args: tuple, workers: int) -> None:  # noqa: ANN001 - a numba kernel
    """Run ``kernel(lo, hi, *args)`` over rows ``0 … rows`` on ``workers`` threads.

    The rows are cut into a few parts per thread (the kernels release the GIL
    and write disjoint rows of their output arrays), so the result does not
    depend on how the threads share them.
    """
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, workers)
    if workers == 1:
        kernel(0, rows, *args)
        return
    cuts = np.linspace(0, rows, 4 * workers + 1).astype(np.int64)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(kernel, cuts[:-1], cuts[1:], *([a] * (len(cuts) - 1) for a in args)))


@numba.njit(cache=True, nogil=True)
def scan(lo_row, hi_row, q_ptr, q_idx, q_val, own, tp, t_col, t_val, starts, n, k, tile,
         batch, score, group, col):  # fmt: skip
    """Rows ``lo_row:hi_row``: the ``k`` best other groups, their maxima and first argmax.

    ``q_*``: the rows (CSR, terms ascending); ``tp``: start of the postings of term ``t``
    in tile ``b`` at ``tp[b * n_terms + t]``; ``t_col``, ``t_val``: the postings (column in
    group order, weight); ``starts``: first column of each group; ``n``: columns. Writes
    ``score``, ``group``, ``col`` (``rows × k``, groups ascending).
    """
    n_groups = len(starts)
    n_tiles = (n + tile - 1) // tile
    n_terms = (len(tp) - 1) // n_tiles
    ends = np.empty(n_groups, np.int64)
    for g in range(n_groups - 1):
        ends[g] = starts[g + 1]
    ends[n_groups - 1] = n
    acc = np.zeros(tile)
    for r0 in range(lo_row, hi_row, batch):
        r1 = min(hi_row, r0 + batch)
        best = np.full((r1 - r0, n_groups), -1.0)  # every score is >= 0
        arg = np.empty((r1 - r0, n_groups), np.int64)
        for g in range(n_groups):
            arg[:, g] = starts[g]
        g0 = 0
        for b in range(n_tiles):
            c0 = b * tile
            c1 = min(n, c0 + tile)
            while ends[g0] <= c0:
                g0 += 1
            for i in range(r0, r1):
                for p in range(q_ptr[i], q_ptr[i + 1]):
                    t = q_idx[p]
                    v = q_val[p]
                    for r in range(tp[b * n_terms + t], tp[b * n_terms + t + 1]):
                        acc[t_col[r] - c0] += t_val[r] * v
                g = g0
                while g < n_groups and starts[g] < c1:
                    bb = best[i - r0, g]
                    aa = arg[i - r0, g]
                    for j in range(max(starts[g], c0), min(ends[g], c1)):
                        s = acc[j - c0]
                        if s > bb:  # strictly: the first maximum (smallest task id) stays
                            bb = s
                            aa = j
                        acc[j - c0] = 0.0
                    best[i - r0, g] = bb
                    arg[i - r0, g] = aa
                    g += 1
        taken = np.zeros(n_groups, np.bool_)
        for i in range(r0, r1):
            keep(i, best[i - r0], arg[i - r0], own[i], k, taken, score, group, col)


@numba.njit(cache=True, nogil=True)
def probe(lo, hi, queue, x_ptr, x_idx, x_val, codes, starts, probes, l_ptr, l_row, l_code,
          l_also, e_ptr, e_idx, e_val, n_terms, k, score, group, col):  # fmt: skip
    """Rows ``queue[lo:hi]`` of the approximate search: exact scores of the candidates only.

    ``x_*``: every row (CSR, terms ascending, rows in group order, the queries included);
    ``codes``: group of each row; ``starts``: first row of each group; ``probes``: the lists
    each row searches (``rows × p``); ``l_ptr``, ``l_row``: the rows of each list, ``l_code``
    their groups and ``l_also`` the other lists each is filed in (a row found in an earlier
    probed list is not scored twice), and ``e_*`` their copies (CSR, one entry per row of a list, weights in float32 and terms in
    16 bits where they fit, so that a list is read from contiguous, compact memory); ``queue``: the rows in the order they are searched (rows sharing
    lists one after the other, so a list is reused while it is in cache).

    A row's weights are spread into a dense vector. Each candidate is first scored from
    its compact copy with four partial sums (fast, not bit-exact); then every
    candidate within :data:`MARGIN` of its group's fast maximum is scored exactly: the sum,
    over its terms in ascending order, of ``y_t * x_t`` (the terms the two rows do not share
    add an exact 0), bit-identical to the sparse products of :func:`scan`. Of these, each
    group keeps its maximum (equal: the smallest row); a group with no candidate or only
    zero scores gets its first row at 0, as in :func:`scan`, and the ``k`` best other groups
    are kept as there. Writes ``score``, ``group``, ``col`` (row ``queue[i]``).
    """
    n_groups = len(starts)
    n_lists = len(l_ptr) - 1
    q = np.zeros(n_terms)
    at = np.full(n_lists, -1, np.int64)  # where this row probes each list (-1: not)
    c_entry = np.empty(len(l_row), np.int64)  # this row's candidates: list entry, fast score
    c_fast = np.empty(len(l_row))
    fast = np.empty(n_groups)
    best = np.empty(n_groups)
    arg = np.empty(n_groups, np.int64)
    taken = np.zeros(n_groups, np.bool_)
    for w in range(lo, hi):
        i = queue[w]
        for p in range(x_ptr[i], x_ptr[i + 1]):
            q[x_idx[p]] = x_val[p]
        fast[:] = -1.0
        own = codes[i]
        m = 0
        for a in range(probes.shape[1]):
            at[probes[i, a]] = a
        for a in range(probes.shape[1]):
            c = probes[i, a]
            for e in range(l_ptr[c], l_ptr[c + 1]):
                g = l_code[e]
                if g == own:
                    continue
                twice = False
                for b in range(l_also.shape[1]):  # already scored from a list probed before
                    other = l_also[e, b]
                    if other >= 0 and 0 <= at[other] < a:
                        twice = True
                if twice:
                    continue
                s0 = 0.0
                s1 = 0.0
                s2 = 0.0
                s3 = 0.0
                p0 = e_ptr[e]
                p1 = e_ptr[e + 1]
                p = p0
                while p + 3 < p1:
                    s0 += e_val[p] * q[e_idx[p]]
                    s1 += e_val[p + 1] * q[e_idx[p + 1]]
                    s2 += e_val[p + 2] * q[e_idx[p + 2]]
                    s3 += e_val[p + 3] * q[e_idx[p + 3]]
                    p += 4
                while p < p1:
                    s0 += e_val[p] * q[e_idx[p]]
                    p += 1
                s = (s0 + s1) + (s2 + s3)
                c_entry[m] = e
                c_fast[m] = s
                m += 1
                if s > fast[g]:
                    fast[g] = s
        for a in range(probes.shape[1]):
            at[probes[i, a]] = -1
        best[:] = -1.0
        for h in range(m):
            e = c_entry[h]
            j = l_row[e]
            g = l_code[e]
            if c_fast[h] < fast[g] - MARGIN:
                continue
            s = 0.0  # the exact sum, in the order of the sparse products
            for p in range(x_ptr[j], x_ptr[j + 1]):
                s += x_val[p] * q[x_idx[p]]
            if s > best[g] or (s == best[g] and j < arg[g]):
                best[g] = s
                arg[g] = j
        for p in range(x_ptr[i], x_ptr[i + 1]):
            q[x_idx[p]] = 0.0
        for g in range(n_groups):
            if best[g] <= 0.0:  # no candidate, or none sharing a term: the group's first row at 0
                best[g] = 0.0
                arg[g] = starts[g]
        keep(i, best, arg, own, k, taken, score, group, col)


@numba.njit(cache=True, nogil=True)
def keep(i, row, arg, own, k, taken, score, group, col):
    """Row ``i``'s ``k`` best other groups by maximum (equal: the group named first), in group order."""
    n_groups = len(row)
    taken[:] = k >= n_groups - 1  # every other group, or the k best below
    taken[own] = True
    for _ in range(0 if k >= n_groups - 1 else k):
        top = -1
        for g in range(n_groups):  # the highest maximum; equal: the group named first
            if not taken[g] and (top < 0 or row[g] > row[top]):
                top = g
        taken[top] = True
    taken[own] = False
    h = 0
    for g in range(n_groups):
        if taken[g]:
            score[i, h] = row[g]
            group[i, h] = g
            col[i, h] = arg[g]
            h += 1
