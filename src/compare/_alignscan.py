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
            row = best[i - r0]
            taken[:] = k >= n_groups - 1  # every other group, or the k best below
            taken[own[i]] = True
            for _ in range(0 if k >= n_groups - 1 else k):
                top = -1
                for g in range(n_groups):  # the highest maximum; equal: the group named first
                    if not taken[g] and (top < 0 or row[g] > row[top]):
                        top = g
                taken[top] = True
            taken[own[i]] = False
            h = 0
            for g in range(n_groups):
                if taken[g]:
                    score[i, h] = row[g]
                    group[i, h] = g
                    col[i, h] = arg[i - r0, g]
                    h += 1
