#!/usr/bin/python3
"""The scikit-learn side of the metrics benchmark (tools/bench/metrics.sh).

Same workload as io.ser4j.examples.bench.MetricsBenchmark, with the same item distribution and
sizes (not the same random items): N items over C labels, each with a hidden true class (uniform),
1-12 annotators (uniform) who pick the true class with probability 0.6 and else a uniform label,
and a prediction that is the true class with probability 0.55, else uniform.

Timed (building the items is not): vote counts and the strict-plurality majority label (numpy),
then accuracy, macro-F1, weighted F1, UAR, per-class precision/recall/F1/support, the confusion
matrix and the annotator-aware macro-F1 with scikit-learn calls, then R bootstrap replicates of
macro-F1 as a Python loop calling sklearn.metrics.f1_score on resampled indices (items without a
majority are drawn like the others and then left out, as ser4j does). One thread: the BLAS/OpenMP
thread counts are set to 1 before numpy is imported.

Usage: /usr/bin/python3 tools/bench/metrics_sklearn.py [--items N] [--replicates R] [--classes C]
       [--seed S]; prints one JSON line.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    recall_score,
)

ANNOTATOR_ACCURACY = 0.6
PREDICTOR_ACCURACY = 0.55
MIN_ANNOTATORS = 1
MAX_ANNOTATORS = 12


def make_items(n, c, seed):
    """Annotations as an (n, MAX_ANNOTATORS) int matrix padded with -1, predictions as (n,)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, c, n)
    m = rng.integers(MIN_ANNOTATORS, MAX_ANNOTATORS + 1, n)
    pick = rng.random((n, MAX_ANNOTATORS)) < ANNOTATOR_ACCURACY
    ann = np.where(pick, truth[:, None], rng.integers(0, c, (n, MAX_ANNOTATORS)))
    ann[np.arange(MAX_ANNOTATORS)[None, :] >= m[:, None]] = -1
    pred = np.where(rng.random(n) < PREDICTOR_ACCURACY, truth, rng.integers(0, c, n))
    return ann, pred


def evaluate(ann, pred, c, replicates, seed):
    n = len(pred)
    labels = np.arange(c)
    # vote counts and strict-plurality majority
    valid = ann >= 0
    rows = np.repeat(np.arange(n), valid.sum(axis=1))
    votes = np.bincount(rows * c + ann[valid], minlength=n * c).reshape(n, c)
    top = votes.max(axis=1)
    has_majority = (votes == top[:, None]).sum(axis=1) == 1
    majority = votes.argmax(axis=1)
    y_true = majority[has_majority]
    y_pred = pred[has_majority]
    out = {}
    out["accuracy"] = accuracy_score(y_true, y_pred)
    out["macro_f1"] = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    out["weighted_f1"] = f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)
    out["uar"] = recall_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    aware_ref = np.where(votes[np.arange(n), pred] > 0, pred, majority)[has_majority]
    out["macro_f1_annotator_aware"] = f1_score(
        aware_ref, y_pred, labels=labels, average="macro", zero_division=0)
    rng = np.random.default_rng(seed)
    reps = np.empty(replicates)
    for b in range(replicates):
        idx = rng.integers(0, n, n)
        keep = idx[has_majority[idx]]
        reps[b] = f1_score(majority[keep], pred[keep], labels=labels, average="macro",
                           zero_division=0)
    out["macro_f1_ci95"] = [float(np.percentile(reps, 2.5)), float(np.percentile(reps, 97.5))]
    out["n_no_majority"] = int(n - has_majority.sum())
    assert cm.sum() == len(y_true) and len(p) == len(r) == len(f) == len(s) == c
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--replicates", type=int, default=1000)
    ap.add_argument("--classes", type=int, default=9)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    # warm-up on a small problem (imports, first-call caches); not timed
    w_ann, w_pred = make_items(2000, a.classes, a.seed + 1000)
    evaluate(w_ann, w_pred, a.classes, 5, a.seed)
    ann, pred = make_items(a.items, a.classes, a.seed)
    c0 = time.process_time()
    t0 = time.perf_counter()
    res = evaluate(ann, pred, a.classes, a.replicates, a.seed)
    t1 = time.perf_counter()
    c1 = time.process_time()
    out = {"impl": "scikit-learn", "items": a.items, "classes": a.classes,
           "replicates": a.replicates, "seconds": t1 - t0, "cpu_seconds": c1 - c0}
    out.update({k: (float(v) if isinstance(v, (np.floating, float)) else v) for k, v in res.items()})
    out["python"] = platform.python_version()
    out["sklearn"] = sklearn.__version__
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
