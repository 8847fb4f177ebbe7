"""The NumPy side of `innozone-bench evaluation` (issue 5).

Reads `problem.json` from the directory given (units × indicators values, the scheme's
tree: per node its parent, weight and column, the replications, the spread of the weights
and the seed), and computes, vectorised over the replications, the same Monte Carlo
uncertainty analysis as innozone's `evaluation::robustness`: every indicator scored by
min-max onto 1–100; per replication every node's weight uniform within ±spread of its
nominal weight and one mean (arithmetic or geometric, equally likely) at every level;
the tree collapsed to effective weights (the product of the shares down the path); each
unit's rank (1 for the highest score, ties sharing the best place) and per unit the
median and the 5th and 95th percentiles of its ranks (numpy.quantile's default, R's type
7). The nominal scores (nominal weights, arithmetic means, walked up the tree) and ranks
are written to OUT (default DIR/numpy_results.json) for comparison, with the times and
the BLAS NumPy was built with.

What NumPy runs on several threads here is its BLAS: the matrix products of the
replications' weights with the scores. innozone-bench sets OPENBLAS_NUM_THREADS (and
OMP_NUM_THREADS, MKL_NUM_THREADS) for this process to the threads innozone is given;
sorting, quantiles and `exp` run on one thread whatever they say.

Usage: python bench_evaluation_numpy.py DIR RUNS [OUT]
"""

import json
import os
import sys
import time

import numpy as np


def minmax(values):
    low = values.min(axis=0)
    high = values.max(axis=0)
    return (values - low) / (high - low) * 99.0 + 1.0


def nominal_scores(scores, parents, weights, columns):
    """Nominal scores: the tree walked from the leaves up with arithmetic means."""
    nodes = len(parents)
    units = scores.shape[0]
    value = [None] * nodes
    children = [[] for _ in range(nodes)]
    roots = []
    for i, p in enumerate(parents):
        (children[p] if p >= 0 else roots).append(i)
    for i in reversed(range(nodes)):
        if columns[i] >= 0:
            value[i] = scores[:, columns[i]]
        else:
            w = np.array([weights[c] for c in children[i]])
            value[i] = sum(weights[c] * value[c] for c in children[i]) / w.sum()
    w = np.array([weights[r] for r in roots])
    return sum(weights[r] * value[r] for r in roots) / w.sum() if units else None


def sport_ranks(scores):
    """Ranks along the last axis: 1 for the highest, ties share the best place.

    The order among tied scores does not matter (they all get the first place of their
    run), so the sort need not be stable: NumPy's default sort, vectorised where the
    processor allows, is several times faster than kind="stable" here.
    """
    order = np.argsort(-scores, axis=-1)
    sorted_scores = np.take_along_axis(scores, order, axis=-1)
    positions = np.arange(1, scores.shape[-1] + 1)
    new = np.ones(sorted_scores.shape, dtype=bool)
    new[..., 1:] = sorted_scores[..., 1:] != sorted_scores[..., :-1]
    first = np.where(new, positions, 0)
    first = np.maximum.accumulate(first, axis=-1)
    ranks = np.empty_like(first)
    np.put_along_axis(ranks, order, first, axis=-1)
    return ranks


def analysis(problem, rng):
    values = np.array(problem["values"], dtype=float)
    parents = problem["parents"]
    weights = np.array(problem["weights"], dtype=float)
    columns = problem["columns"]
    replications = problem["replications"]
    spread = problem["spread"]
    nodes = len(parents)

    scores = minmax(values)
    logs = np.log(scores)
    nominal = nominal_scores(scores, parents, weights, columns)

    # Per replication: every weight perturbed, one mean at every level.
    w = weights * (1.0 + spread * (2.0 * rng.random((replications, nodes)) - 1.0))
    geometric = rng.random(replications) < 0.5
    # Effective weights: each node's share of its siblings, multiplied down the tree.
    share = np.empty_like(w)
    sums = {}
    for i, p in enumerate(parents):
        sums.setdefault(p, []).append(i)
    for p, siblings in sums.items():
        total = w[:, siblings].sum(axis=1, keepdims=True)
        share[:, siblings] = w[:, siblings] / total
    effective = share.copy()
    for i, p in enumerate(parents):  # parents come before their children
        if p >= 0:
            effective[:, i] *= effective[:, p]
    leaves = [i for i in range(nodes) if columns[i] >= 0]
    leaf_weights = np.zeros((replications, scores.shape[1]))
    leaf_weights[:, [columns[i] for i in leaves]] = effective[:, leaves]
    # Each replication's scores with its own mean only.
    replicated = np.empty((replications, scores.shape[0]))
    replicated[~geometric] = leaf_weights[~geometric] @ scores.T
    replicated[geometric] = np.exp(leaf_weights[geometric] @ logs.T)

    ranks = sport_ranks(replicated)
    median, q05, q95 = np.quantile(ranks, [0.5, 0.05, 0.95], axis=0)
    return nominal, sport_ranks(nominal), median, q05, q95


def blas():
    """The BLAS NumPy was built with, as its configuration names it."""
    try:
        config = np.show_config(mode="dicts")
        info = config["Build Dependencies"]["blas"]
        return f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except Exception:  # older NumPy: no dictionary form of the configuration
        return "BLAS unknown"


def main():
    directory = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    out = sys.argv[3] if len(sys.argv) > 3 else f"{directory}/numpy_results.json"
    with open(f"{directory}/problem.json") as f:
        problem = json.load(f)
    times = []
    for _ in range(runs):
        rng = np.random.default_rng(problem["seed"])
        start = time.perf_counter()
        nominal, ranks, median, q05, q95 = analysis(problem, rng)
        times.append(time.perf_counter() - start)
    with open(out, "w") as f:
        json.dump(
            {
                "numpy": np.__version__,
                "blas": blas(),
                "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                "seconds": times,
                "nominal": [float(x) for x in nominal],
                "ranks": [int(r) for r in ranks],
                "median": [float(x) for x in median],
                "q05": [float(x) for x in q05],
                "q95": [float(x) for x in q95],
            },
            f,
        )


if __name__ == "__main__":
    main()
