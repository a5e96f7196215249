"""Composing benchlearning networks: partition participants into small, heterogeneous, comparable groups.

Pure functions (numpy; no Django). The evaluation of KS' Effektiviseringsnettverkene
(Asplan Analyse) found more benefit in smaller and in more heterogeneous
networks; municipalities should still be comparable enough to learn from one
another. Hence two distance matrices over the participants:

- ``het``: distance on the *learning* variables (e.g. standardised indicator
  results) — differences worth learning from, to be large within a network;
- ``cmp``: distance on the *comparability* variables (standardised structure:
  size, centrality, need) — to be small within a network.

Objective
---------
A partition P of the participants into groups g with ``min_size ≤ |g| ≤ max_size``
maximises

    F(P) = Σ_g 1/(|g| − 1) · Σ_{i<j ∈ g} [ het(i, j) − λ · cmp(i, j) ]

The factor 1/(|g| − 1) makes each group's term half the sum over its members of
their *mean* score to the others in the group, so F does not reward large groups
merely for having more pairs (sizes stay a user choice within the bounds).

Solvers
-------
- :func:`solve_exact` — dynamic programming over subsets (the group holding the
  lowest unassigned participant is chosen among all feasible sizes; memoised on
  the remaining set): exact; used when n ≤ ``EXACT_LIMIT`` (12).
- :func:`solve_local` — local search: a seeded random feasible start, then
  best-improvement over *swap* moves (exchange two members of different groups)
  and *move* moves (shift one member to another group when both sizes stay
  within bounds), until no move improves F; repeated from ``restarts`` seeded
  starts and the best kept. Used for n > 12. Tested against brute force on
  small cases (it finds the optimum there).
- :func:`brute_force` — enumerates every feasible partition (tests only).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np

EXACT_LIMIT = 12


@dataclass(frozen=True)
class Solution:
    groups: tuple[tuple[int, ...], ...]  # participant indices, each group sorted, groups sorted
    objective: float
    method: str  # "exact" or "local"


def feasible_sizes(n: int, min_size: int, max_size: int) -> list[int] | None:
    """One way to write ``n`` as a sum of sizes within bounds (largest group count first), or None."""
    if min_size < 2 or max_size < min_size:
        raise ValueError("need 2 ≤ min_size ≤ max_size")
    for k in range(n // min_size, 0, -1):  # most groups first = smallest networks
        if k * min_size <= n <= k * max_size:
            base, extra = divmod(n, k)
            return [base + 1] * extra + [base] * (k - extra)
    return None


def pair_score(het: np.ndarray, cmp: np.ndarray, lam: float) -> np.ndarray:
    """S(i, j) = het(i, j) − λ cmp(i, j)."""
    return np.asarray(het, float) - lam * np.asarray(cmp, float)


def group_value(score: np.ndarray, group) -> float:
    g = list(group)
    if len(g) < 2:
        return 0.0
    sub = score[np.ix_(g, g)]
    return float(np.triu(sub, 1).sum() / (len(g) - 1))


def objective(score: np.ndarray, groups) -> float:
    return float(sum(group_value(score, g) for g in groups))


def _canonical(groups) -> tuple[tuple[int, ...], ...]:
    return tuple(sorted(tuple(sorted(g)) for g in groups))


def solve_exact(score: np.ndarray, min_size: int, max_size: int) -> Solution:
    """Exact optimum by dynamic programming over subsets (n ≤ 16 in practice; used for n ≤ 12)."""
    n = score.shape[0]
    if feasible_sizes(n, min_size, max_size) is None:
        raise ValueError("no feasible partition")
    full = (1 << n) - 1

    @cache
    def best(mask: int) -> tuple[float, tuple[tuple[int, ...], ...]] | None:
        if mask == 0:
            return 0.0, ()
        members = [i for i in range(n) if mask >> i & 1]
        if len(members) < min_size:
            return None
        first, rest = members[0], members[1:]
        result = None
        for size in range(min_size, min(max_size, len(members)) + 1):
            left = len(members) - size
            if left and left < min_size:
                continue
            for others in itertools.combinations(rest, size - 1):
                g = (first, *others)
                sub = best(mask & ~sum(1 << i for i in g))
                if sub is None:
                    continue
                val = group_value(score, g) + sub[0]
                if result is None or val > result[0] + 1e-12:
                    result = (val, (g, *sub[1]))
        return result

    out = best(full)
    best.cache_clear()
    assert out is not None
    return Solution(_canonical(out[1]), out[0], "exact")


def _random_start(n: int, sizes: list[int], rng: np.random.Generator) -> list[list[int]]:
    perm = rng.permutation(n).tolist()
    groups, at = [], 0
    for s in sizes:
        groups.append(perm[at:at + s])
        at += s
    return groups


def solve_local(score: np.ndarray, min_size: int, max_size: int, *, restarts: int = 20, seed: int = 0) -> Solution:
    """Local search (swap and move, best improvement) from ``restarts`` seeded random starts."""
    n = score.shape[0]
    sizes = feasible_sizes(n, min_size, max_size)
    if sizes is None:
        raise ValueError("no feasible partition")
    rng = np.random.default_rng(seed)
    best_groups, best_val = None, -np.inf
    for _ in range(restarts):
        groups = _random_start(n, sizes, rng)
        values = [group_value(score, g) for g in groups]
        improved = True
        while improved:
            improved = False
            best_delta, best_move = 1e-12, None
            for a in range(len(groups)):
                for b in range(a + 1, len(groups)):
                    ga, gb = groups[a], groups[b]
                    for ia, x in enumerate(ga):  # swaps
                        for ib, y in enumerate(gb):
                            na = ga[:ia] + [y] + ga[ia + 1:]
                            nb = gb[:ib] + [x] + gb[ib + 1:]
                            delta = group_value(score, na) + group_value(score, nb) - values[a] - values[b]
                            if delta > best_delta:
                                best_delta, best_move = delta, (a, b, na, nb)
                    for src, dst in ((a, b), (b, a)):  # moves
                        gs, gd = groups[src], groups[dst]
                        if len(gs) - 1 < min_size or len(gd) + 1 > max_size:
                            continue
                        for i, x in enumerate(gs):
                            ns, nd = gs[:i] + gs[i + 1:], gd + [x]
                            delta = group_value(score, ns) + group_value(score, nd) - values[src] - values[dst]
                            if delta > best_delta:
                                best_delta, best_move = delta, (src, dst, ns, nd)
            if best_move is not None:
                a, b, na, nb = best_move
                groups[a], groups[b] = na, nb
                values[a], values[b] = group_value(score, na), group_value(score, nb)
                improved = True
        total = float(sum(values))
        if total > best_val + 1e-12:
            best_val, best_groups = total, [list(g) for g in groups]
    return Solution(_canonical(best_groups), best_val, "local")


def solve(score: np.ndarray, min_size: int, max_size: int, *, seed: int = 0, restarts: int = 20) -> Solution:
    """Exact for n ≤ ``EXACT_LIMIT``, local search above."""
    if score.shape[0] <= EXACT_LIMIT:
        return solve_exact(score, min_size, max_size)
    return solve_local(score, min_size, max_size, restarts=restarts, seed=seed)


def _partitions(items: list[int], min_size: int, max_size: int):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for size in range(min_size, max_size + 1):
        if size - 1 > len(rest):
            break
        for others in itertools.combinations(rest, size - 1):
            left = [x for x in rest if x not in others]
            for tail in _partitions(left, min_size, max_size):
                yield [[first, *others], *tail]


def brute_force(score: np.ndarray, min_size: int, max_size: int) -> Solution:
    """Every feasible partition enumerated (for tests on small n)."""
    best, best_val = None, -np.inf
    for p in _partitions(list(range(score.shape[0])), min_size, max_size):
        v = objective(score, p)
        if v > best_val + 1e-12:
            best, best_val = p, v
    if best is None:
        raise ValueError("no feasible partition")
    return Solution(_canonical(best), best_val, "brute_force")


def pairwise(z: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``z`` (already standardised and weighted by √w)."""
    z = np.asarray(z, float)
    if z.ndim == 1:
        z = z[:, None]
    diff = z[:, None, :] - z[None, :, :]
    return np.sqrt((diff ** 2).sum(axis=2))


def mean_within(dist: np.ndarray, groups) -> float:
    """Mean pairwise distance within groups (a summary for reports)."""
    vals = [dist[i, j] for g in groups for i, j in itertools.combinations(g, 2)]
    return float(np.mean(vals)) if vals else 0.0
