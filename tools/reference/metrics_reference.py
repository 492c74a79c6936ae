#!/usr/bin/python3
"""Reference values for ser-metrics (io.ser4j.metrics).

Writes JSON fixtures under ser-metrics/src/test/resources/fixtures/metrics/:
  crema_d_voice.json   real multi-annotator votes (CREMA-D voice-only ratings) with deterministic
                       synthetic predictions and prediction distributions (seeded numpy RNG)
  edge_cases.json      small hand-built cases: a class never predicted, a class absent from the
                       references, ties, one rater, all agree, an explicit label set, a given majority
  agreement_textbook.json  published worked examples: Krippendorff (2011) 4 coders x 12 units
                       (nominal alpha 0.743, interval alpha 0.849) and the Fleiss kappa example of
                       Wikipedia (10 subjects x 14 raters, kappa 0.210)

Majority-label metrics come from scikit-learn 1.2.1 (accuracy_score, f1_score macro/weighted,
recall_score macro, precision_recall_fscore_support, confusion_matrix incl. normalize='true'),
always with zero_division=0. With an explicit label set (case "labels") they get labels= that set;
without one they get no labels= argument, so scikit-learn uses unique_labels(y_true, y_pred) of
the items with a majority (the expected "labels"), and the annotator-aware F1 likewise
unique_labels(y_aware, y_pred) ("labels_annotator_aware" when it differs). The multi-annotator
metrics always use every label that occurs ("labels_all" when it differs from "labels").
Everything else is written here in plain numpy from the published formulas (see docs/metrics.md):
  * all-inclusive macro-F1 (Chou et al. 2024): class positive when vote share > 1/C (reference)
    or probability > 1/C (prediction); sklearn f1_score(average='macro') on the multi-hot arrays
  * soft accuracy, soft micro-F1, 1 - mean JS divergence (base 2), cross-entropy (natural log,
    probabilities clipped below at 1e-15), entropy correlation (Pearson of natural-log entropies)
  * ECE: 15 equal-width bins (lo, hi] on the max probability; bin = ceil(conf*15)-1 clamped to
    [0, 14]; correct = argmax (first in label-set order on ties) equals the majority label
  * Fleiss' kappa, variable raters (Gwet 2014): Pa = mean over items with n_i >= 2 of
    sum_c n_ic(n_ic-1)/(n_i(n_i-1)); pi_c = mean over all items of n_ic/n_i; Pe = sum pi_c^2
  * Krippendorff's alpha, coincidence-matrix form, items with < 2 ratings excluded.

Usage: /usr/bin/python3 tools/reference/metrics_reference.py [DATA_DIR]
DATA_DIR defaults to ../shared/data relative to the repository root.
"""
import csv
import json
import math
import os
import sys

import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support, recall_score)
from sklearn.utils.multiclass import unique_labels

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "ser-metrics", "src", "test", "resources", "fixtures", "metrics")
ECE_BINS = 15
CE_EPS = 1e-15
SEED = 20261125
CREMA_LABELS = ["anger", "disgust", "fear", "happiness", "neutral", "sadness"]  # columns A D F H N S


# ---------------------------------------------------------------------------------------------
# metric definitions (numpy / sklearn)
# ---------------------------------------------------------------------------------------------
def strict_plurality(annotations):
    """The label with strictly more votes than every other, else None."""
    counts = {}
    for a in annotations:
        counts[a] = counts.get(a, 0) + 1
    best = max(counts.values())
    winners = [k for k, v in counts.items() if v == best]
    return winners[0] if len(winners) == 1 else None


def entropy(p):
    p = np.asarray(p, dtype=np.float64)
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum())


def js_divergence_base2(p, q):
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    m = 0.5 * (p + q)

    def kl(a, b):
        mask = a > 0
        return float((a[mask] * np.log2(a[mask] / b[mask])).sum())

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def fleiss_kappa(counts):
    """counts: items x categories, variable raters per item (Gwet 2014 generalisation)."""
    counts = np.asarray(counts, dtype=np.float64)
    n_i = counts.sum(axis=1)
    keep = n_i > 0
    counts, n_i = counts[keep], n_i[keep]
    if len(n_i) == 0:
        return float("nan")
    two = n_i >= 2
    if not two.any():
        return float("nan")
    pa_i = (counts[two] * (counts[two] - 1)).sum(axis=1) / (n_i[two] * (n_i[two] - 1))
    pa = pa_i.mean()
    pi = (counts / n_i[:, None]).mean(axis=0)
    pe = float((pi ** 2).sum())
    if pe >= 1.0:
        return float("nan")
    return float((pa - pe) / (1 - pe))


def krippendorff_nominal(counts):
    """counts: units x categories of ratings; coincidence-matrix formulation."""
    counts = np.asarray(counts, dtype=np.float64)
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m = counts[keep], m[keep]
    if len(m) == 0:
        return float("nan")
    C = counts.shape[1]
    o = np.zeros((C, C))
    for u in range(len(m)):
        nu = counts[u]
        o += (np.outer(nu, nu) - np.diag(nu)) / (m[u] - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    do = o.sum() - np.trace(o)
    de = (n * n - (n_c ** 2).sum()) / (n - 1)
    if de == 0:
        return float("nan")
    return float(1 - do / de)


def krippendorff_interval(values_per_unit):
    """values_per_unit: list of lists of numeric ratings (missing omitted)."""
    units = [np.asarray(v, dtype=np.float64) for v in values_per_unit if len(v) >= 2]
    if not units:
        return float("nan")
    pairable = np.concatenate(units)
    n = len(pairable)
    do = 0.0
    for v in units:
        d = v[:, None] - v[None, :]
        do += (d ** 2).sum() / (len(v) - 1)
    do /= n
    d = pairable[:, None] - pairable[None, :]
    de = (d ** 2).sum() / (n * (n - 1))
    if de == 0:
        return float("nan")
    return float(1 - do / de)


def pearson(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) < 2:
        return float("nan")
    xc, yc = x - x.mean(), y - y.mean()
    den = math.sqrt(float((xc ** 2).sum()) * float((yc ** 2).sum()))
    if den == 0:
        return float("nan")
    return float((xc * yc).sum() / den)


def nan_to_none(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


def compute_all(labels, items, given=True):
    """items: dicts with prediction, annotations, optional majority, optional distribution (list
    aligned with labels). labels: the full label set (ordered); given: whether it was given
    explicitly (then every metric uses it) or is the union of every label that occurs (then the
    majority-based metrics are scikit-learn without labels=, as ser4j's Evaluation.of(items))."""
    C = len(labels)
    idx = {l: i for i, l in enumerate(labels)}
    n = len(items)
    maj = []
    for it in items:
        maj.append(it.get("majority") or strict_plurality(it["annotations"]))
    keep = [i for i in range(n) if maj[i] is not None]
    y_true = [maj[i] for i in keep]
    y_pred = [items[i]["prediction"] for i in keep]
    y_aware = [items[i]["prediction"] if items[i]["prediction"] in items[i]["annotations"] else maj[i]
               for i in keep]
    # the label sets: explicit -> the given set everywhere; implicit -> what scikit-learn picks
    # without labels= (unique_labels, sorted) for the majority-based and annotator-aware metrics
    if given or not keep:
        maj_labels, aware_labels = labels, labels
    else:
        maj_labels = [str(x) for x in unique_labels(y_true, y_pred)]
        aware_labels = [str(x) for x in unique_labels(y_aware, y_pred)]
    kw = {"labels": labels} if given else {}
    out = {"n": n, "n_no_majority": n - len(keep), "labels": maj_labels}
    if labels != maj_labels:
        out["labels_all"] = labels
    if aware_labels != maj_labels:
        out["labels_annotator_aware"] = aware_labels
    if keep:
        out["accuracy_majority"] = accuracy_score(y_true, y_pred)
        out["macro_f1_majority"] = f1_score(y_true, y_pred, average="macro", zero_division=0, **kw)
        out["weighted_f1"] = f1_score(y_true, y_pred, average="weighted", zero_division=0, **kw)
        out["uar"] = recall_score(y_true, y_pred, average="macro", zero_division=0, **kw)
        out["macro_f1_annotator_aware"] = f1_score(y_aware, y_pred, average="macro",
                                                   zero_division=0, **kw)
        out["accuracy_annotator_aware"] = accuracy_score(y_aware, y_pred)
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0, **kw)
        out["per_class"] = {l: {"precision": float(p[i]), "recall": float(r[i]),
                                "f1": float(f[i]), "support": int(s[i])}
                            for i, l in enumerate(maj_labels)}
        out["confusion_matrix"] = confusion_matrix(y_true, y_pred, **kw).tolist()
        out["confusion_matrix_normalized"] = confusion_matrix(
            y_true, y_pred, normalize="true", **kw).tolist()
        assert len(out["confusion_matrix"]) == len(maj_labels)
    else:
        for k in ["accuracy_majority", "macro_f1_majority", "weighted_f1", "uar",
                  "macro_f1_annotator_aware", "accuracy_annotator_aware"]:
            out[k] = None
    votes = np.zeros((n, C), dtype=np.int64)
    for i, it in enumerate(items):
        for a in it["annotations"]:
            votes[i, idx[a]] += 1
    out["fleiss_kappa"] = nan_to_none(fleiss_kappa(votes))
    out["krippendorff_alpha"] = nan_to_none(krippendorff_nominal(votes))

    with_dist = [i for i in range(n) if items[i].get("distribution") is not None]
    if with_dist:
        ref = votes[with_dist] / votes[with_dist].sum(axis=1, keepdims=True)
        pred = np.array([items[i]["distribution"] for i in with_dist], dtype=np.float64)
        mins = np.minimum(ref, pred).sum(axis=1)
        out["n_distribution"] = len(with_dist)
        out["soft_accuracy"] = float(mins.mean())
        out["soft_micro_f1"] = float(2 * mins.sum() / (ref.sum() + pred.sum()))
        jsd = np.array([js_divergence_base2(ref[k], pred[k]) for k in range(len(with_dist))])
        out["js_similarity"] = float(1 - jsd.mean())
        ce = -(ref * np.log(np.maximum(pred, CE_EPS))).sum(axis=1)
        out["cross_entropy"] = float(ce.mean())
        out["entropy_correlation"] = nan_to_none(
            pearson([entropy(r) for r in ref], [entropy(p) for p in pred]))
        ref_hot = votes[with_dist] * C > votes[with_dist].sum(axis=1, keepdims=True)
        pred_hot = pred > (1.0 / C)
        out["all_inclusive_macro_f1"] = float(f1_score(ref_hot.astype(int), pred_hot.astype(int),
                                                       average="macro", zero_division=0))
        # ECE over items with a distribution and a majority label
        ece_items = [k for k, i in enumerate(with_dist) if maj[i] is not None]
        conf = pred[ece_items].max(axis=1)
        am = pred[ece_items].argmax(axis=1)  # first on ties, label-set order
        correct = np.array([labels[am[j]] == maj[with_dist[k]] for j, k in enumerate(ece_items)])
        bins = np.clip(np.ceil(conf * ECE_BINS).astype(int) - 1, 0, ECE_BINS - 1)
        table = []
        ece = 0.0
        for b in range(ECE_BINS):
            m = bins == b
            cnt = int(m.sum())
            row = {"lower": b / ECE_BINS, "upper": (b + 1) / ECE_BINS, "count": cnt,
                   "mean_confidence": float(conf[m].mean()) if cnt else None,
                   "accuracy": float(correct[m].mean()) if cnt else None}
            table.append(row)
            if cnt:
                ece += cnt / len(ece_items) * abs(float(correct[m].mean()) - float(conf[m].mean()))
        out["ece"] = ece if ece_items else None
        out["reliability_table"] = table
    return out


def bootstrap_ci(labels, items, reps, seed):
    """Percentile bootstrap of macro-F1 (majority) with numpy's RNG: Java cannot reproduce this RNG,
    so this is used only as a width sanity check."""
    rng = np.random.default_rng(seed)
    idx = {l: i for i, l in enumerate(labels)}
    maj = np.array([idx[m] if m is not None else -1 for m in
                    [it.get("majority") or strict_plurality(it["annotations"]) for it in items]])
    pred = np.array([idx[it["prediction"]] for it in items])
    n, C = len(items), len(labels)
    vals = []
    for _ in range(reps):
        s = rng.integers(0, n, n)
        t, p = maj[s], pred[s]
        ok = t >= 0
        cm = np.bincount(t[ok] * C + p[ok], minlength=C * C).reshape(C, C)
        tp = np.diag(cm).astype(float)
        denom = cm.sum(axis=0) + cm.sum(axis=1)
        f1 = np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
        vals.append(f1.mean())
    return [float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))]


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------
def crema_d(data_dir):
    path = os.path.join(data_dir, "crema-d", "tabulatedVotes.csv")
    rows = []
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        col = {h: i for i, h in enumerate(header)}
        for r in reader:
            if not r[0].startswith("1"):
                continue  # 1xxxxx = voice-only ratings; 2 = face-only, 3 = audio-visual
            votes = [int(r[col[c]]) for c in ["A", "D", "F", "H", "N", "S"]]
            rows.append((r[0], r[col["fileName"]], votes))
    rng = np.random.default_rng(SEED)
    items, fixture_items = [], []
    C = len(CREMA_LABELS)
    for rid, fname, votes in rows:
        v = np.array(votes)
        u = rng.random()
        if u < 0.55:  # a label drawn from the vote shares
            pred = int(rng.choice(C, p=v / v.sum()))
        elif u < 0.8:  # the first most-voted label
            pred = int(v.argmax())
        else:  # noise
            pred = int(rng.integers(0, C))
        scores = v * 3 + rng.integers(0, 4, size=C)
        scores[pred] += int(rng.integers(0, 12))
        dist = (scores / scores.sum()).tolist()
        annotations = [CREMA_LABELS[c] for c in range(C) for _ in range(votes[c])]
        items.append({"prediction": CREMA_LABELS[pred], "annotations": annotations,
                      "distribution": dist})
        fixture_items.append({"id": fname + "#" + rid, "speaker": fname[:4],
                              "prediction": CREMA_LABELS[pred], "votes": votes,
                              "distribution_scores": [int(s) for s in scores]})
    labels = sorted(set(CREMA_LABELS))  # every label that occurs (all six are voted), sorted
    expected = compute_all(labels, items, given=False)
    ci = bootstrap_ci(labels, items, 1000, SEED)
    return {
        "description": "CREMA-D voice-only crowd votes (tabulatedVotes.csv rows 1xxxxx, ODbL 1.0); "
                       "predictions and distributions synthetic from numpy seed %d; the distribution"
                       " is distribution_scores / sum(distribution_scores) in vote_labels order" % SEED,
        "vote_labels": CREMA_LABELS,
        "labels": None,
        "items": fixture_items,
        "expected": expected,
        "numpy_bootstrap_macro_f1_ci95": ci,
    }


def edge_cases():
    cases = []

    def add(name, items, labels=None):
        eval_labels = labels or sorted({it["prediction"] for it in items}
                                       | {a for it in items for a in it["annotations"]}
                                       | {it["majority"] for it in items if it.get("majority")})
        exp = compute_all(eval_labels, [dict(it, distribution=None if it.get("distribution") is None
                                             else [it["distribution"].get(l, 0.0)
                                                   for l in eval_labels]) for it in items],
                          given=labels is not None)
        cases.append({"name": name, "labels": labels, "items": items, "expected": exp})

    def it(i, pred, ann, dist=None, majority=None, speaker=None):
        d = {"id": "u%d" % i, "prediction": pred, "annotations": ann}
        if dist is not None:
            d["distribution"] = dist
        if majority is not None:
            d["majority"] = majority
        if speaker is not None:
            d["speaker"] = speaker
        return d

    # class 'sad' is in the references but never predicted
    add("class_never_predicted", [
        it(1, "ang", ["ang", "ang", "neu"], {"ang": 0.7, "neu": 0.2, "sad": 0.1}),
        it(2, "neu", ["sad", "sad", "neu"], {"ang": 0.1, "neu": 0.5, "sad": 0.4}),
        it(3, "neu", ["neu", "neu", "neu"], {"ang": 0.0, "neu": 1.0, "sad": 0.0}),
        it(4, "ang", ["sad", "ang", "sad", "sad"], {"ang": 0.6, "neu": 0.1, "sad": 0.3}),
        it(5, "neu", ["ang", "neu"], {"ang": 0.5, "neu": 0.5, "sad": 0.0}),
    ])
    # 'hap' is predicted but no annotator ever chose it
    add("class_absent_from_references", [
        it(1, "hap", ["ang", "ang", "neu"], {"ang": 0.3, "hap": 0.4, "neu": 0.3}),
        it(2, "neu", ["neu", "neu"], {"ang": 0.1, "hap": 0.1, "neu": 0.8}),
        it(3, "ang", ["ang", "neu", "ang"], {"ang": 0.6, "hap": 0.2, "neu": 0.2}),
        it(4, "hap", ["neu", "neu", "ang"], {"ang": 0.2, "hap": 0.45, "neu": 0.35}),
    ])
    # ties: no strict plurality (left out of majority metrics), and ties in the distribution
    add("ties", [
        it(1, "ang", ["ang", "neu"], {"ang": 0.5, "neu": 0.5}),
        it(2, "neu", ["ang", "neu", "ang", "neu"], {"ang": 0.4, "neu": 0.6}),
        it(3, "ang", ["ang", "ang", "neu"], {"ang": 0.5, "neu": 0.5}),
        it(4, "neu", ["neu", "neu", "ang"], {"ang": 0.5, "neu": 0.5}),
        it(5, "neu", ["neu"], {"ang": 0.25, "neu": 0.75}),
    ])
    # one rater per item: agreement is undefined (no pairable item)
    add("one_rater", [
        it(1, "ang", ["ang"], {"ang": 0.9, "neu": 0.1}),
        it(2, "ang", ["neu"], {"ang": 0.6, "neu": 0.4}),
        it(3, "neu", ["neu"], {"ang": 0.2, "neu": 0.8}),
    ])
    # all annotators agree on every item (different classes): kappa = alpha = 1
    add("all_agree", [
        it(1, "ang", ["ang", "ang", "ang"], {"ang": 1.0, "neu": 0.0, "sad": 0.0}),
        it(2, "neu", ["neu", "neu"], {"ang": 0.0, "neu": 1.0, "sad": 0.0}),
        it(3, "sad", ["sad", "sad", "sad", "sad"], {"ang": 0.0, "neu": 0.0, "sad": 1.0}),
        it(4, "ang", ["neu", "neu", "neu"], {"ang": 0.8, "neu": 0.2, "sad": 0.0}),
    ])
    # an explicit label set with a class nobody used; a given majority that overrides plurality
    add("explicit_labels_and_given_majority", [
        it(1, "ang", ["ang", "neu", "neu"], majority="ang"),
        it(2, "neu", ["neu", "ang"], majority="neu"),
        it(3, "sad", ["sad", "sad"]),
        it(4, "ang", ["neu", "neu", "sad"]),
    ], labels=["neu", "ang", "sad", "fea"])
    # 'fea' is only ever a minority annotation: it is in labels_all (soft metrics, agreement, the
    # all-inclusive 1/C threshold) but not a zero-F1 class of the majority-based metrics
    add("label_only_as_minority_annotation", [
        it(1, "ang", ["ang", "ang", "fea"], {"ang": 0.6, "fea": 0.3, "neu": 0.1}),
        it(2, "neu", ["neu", "neu", "ang"], {"ang": 0.2, "fea": 0.1, "neu": 0.7}),
        it(3, "neu", ["ang", "ang", "neu", "fea"], {"ang": 0.3, "fea": 0.2, "neu": 0.5}),
        it(4, "ang", ["neu", "neu", "neu"], {"ang": 0.5, "fea": 0.0, "neu": 0.5}),
        it(5, "ang", ["ang", "fea", "ang"], {"ang": 0.9, "fea": 0.05, "neu": 0.05}),
    ])
    # the only item that predicts 'sur' has no majority (a tie): 'sur' is in labels_all but not in
    # labels; and 'sad' is a majority only where the prediction ('neu') was chosen by an
    # annotator, so the annotator-aware reference never is 'sad': labels_annotator_aware drops it
    add("unused_prediction_of_item_without_majority", [
        it(1, "sur", ["ang", "neu"], {"ang": 0.2, "neu": 0.2, "sad": 0.1, "sur": 0.5}),
        it(2, "ang", ["ang", "ang", "neu"], {"ang": 0.7, "neu": 0.2, "sad": 0.1, "sur": 0.0}),
        it(3, "neu", ["sad", "sad", "neu"], {"ang": 0.1, "neu": 0.5, "sad": 0.4, "sur": 0.0}),
        it(4, "neu", ["neu", "ang", "neu"], {"ang": 0.3, "neu": 0.6, "sad": 0.1, "sur": 0.0}),
        it(5, "ang", ["neu", "neu"], {"ang": 0.6, "neu": 0.3, "sad": 0.0, "sur": 0.1}),
    ])
    # nobody agrees: no item has a majority; labels fall back to every label
    add("no_item_has_a_majority", [
        it(1, "ang", ["ang", "neu"], {"ang": 0.5, "neu": 0.5}),
        it(2, "neu", ["neu", "ang"], {"ang": 0.4, "neu": 0.6}),
    ])
    # the same minority-only label with an explicit label set: then it is a zero-F1 class
    add("minority_annotation_with_explicit_labels", [
        it(1, "ang", ["ang", "ang", "fea"]),
        it(2, "neu", ["neu", "neu", "ang"]),
        it(3, "neu", ["ang", "ang", "neu", "fea"]),
        it(4, "ang", ["neu", "neu", "neu"]),
    ], labels=["ang", "fea", "neu"])
    # mixed: only some items have a distribution; a speaker on each item
    add("partial_distributions", [
        it(1, "ang", ["ang", "ang"], {"ang": 0.8, "neu": 0.2}, speaker="s1"),
        it(2, "neu", ["ang", "neu", "neu"], None, speaker="s1"),
        it(3, "neu", ["neu", "neu"], {"ang": 0.3, "neu": 0.7}, speaker="s2"),
        it(4, "ang", ["neu", "ang", "ang"], {"ang": 0.55, "neu": 0.45}, speaker="s2"),
    ])
    return {"cases": cases}


def textbook():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
    # 12 units, values 1..5, missing data. Published: nominal 0.743, interval 0.849.
    nan = None
    table = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    units = [[table[o][u] for o in range(4) if table[o][u] is not None] for u in range(12)]
    cats = [1, 2, 3, 4, 5]
    counts = [[u.count(c) for c in cats] for u in units]
    k_nom = krippendorff_nominal(counts)
    k_int = krippendorff_interval(units)
    assert round(k_nom, 3) == 0.743, k_nom
    assert round(k_int, 3) == 0.849, k_int
    # Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories, kappa 0.210
    fleiss_table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
    fk = fleiss_kappa(fleiss_table)
    assert round(fk, 3) == 0.210, fk
    return {
        "krippendorff_2011": {"observers_by_unit": table, "categories": cats,
                              "nominal_alpha": k_nom, "nominal_alpha_published": 0.743,
                              "interval_alpha": k_int, "interval_alpha_published": 0.849},
        "fleiss_wikipedia": {"counts": fleiss_table, "kappa": fk, "kappa_published": 0.210},
    }


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
    os.makedirs(OUT, exist_ok=True)
    for name, obj in [("agreement_textbook.json", textbook()), ("edge_cases.json", edge_cases()),
                      ("crema_d_voice.json", crema_d(data_dir))]:
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(obj, f, separators=(",", ":"), allow_nan=False)
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
