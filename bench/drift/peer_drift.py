#!/usr/bin/python3
"""The peer of `npm run bench:drift`: the same drift statistics in numpy/scipy, as a data scientist
would write them (Evidently's rules, written out in numpy because Evidently is not packaged in
Debian). Run with Debian's interpreter (python3-numpy, python3-scipy, python3-pandas).

    /usr/bin/python3 bench/drift/peer_drift.py prepare <dir>   # CSV -> .npy, once, not timed
    /usr/bin/python3 bench/drift/peer_drift.py run <dir>       # timed: load .npy, all statistics

`run` prints one JSON line: wall seconds (load included), load seconds, peak RSS (ru_maxrss) and
per-column results (the verdict's test and score, and every statistic), so the bench can check that
Kiln and the peer agree.
"""
import json
import math
import os
import resource
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance


def feel_zeroes(p):
    p = p.copy()
    nz = p[p != 0]
    if nz.size == 0:
        return p
    fill = nz.min() / 10**6 if nz.min() <= 0.0001 else 0.0001
    p[p == 0] = fill
    return p


def binned_stats(rp, cp):
    rf, cf = feel_zeroes(rp), feel_zeroes(cp)
    return {
        "psi": float(np.sum((rf - cf) * np.log(rf / cf))),
        "kl_div": float(stats.entropy(rf, cf)),
        "jensenshannon": float(distance.jensenshannon(rp, cp, 2)),
        "linf": float(np.max(np.abs(rp - cp))),
    }


def numeric(ref, cur):
    ref = ref[np.isfinite(ref)]
    cur = cur[np.isfinite(cur)]
    ref_unique = np.unique(ref)
    union = np.unique(np.concatenate([ref_unique, np.unique(cur)]))
    if len(ref_unique) > 20:
        bins = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        rp = np.array([np.sum(ref == k) for k in union]) / len(ref)
        cp = np.array([np.sum(cur == k) for k in union]) / len(cur)
    out = binned_stats(rp, cp)
    # Evidently's Hellinger for numeric columns: Sturges bins over the distinct values, densities
    hb = np.histogram_bin_edges(union, bins="sturges")
    h1 = np.histogram(ref, bins=hb, density=True)[0]
    h2 = np.histogram(cur, bins=hb, density=True)[0]
    width = (hb.max() - hb.min()) / (len(hb) - 1)
    out["hellinger"] = math.sqrt(1 - float(np.clip(np.sum(np.sqrt(h1 * h2)) * width, 0, 1)))
    w = stats.wasserstein_distance(ref, cur)
    std = float(np.std(ref))
    out["wasserstein"] = float(w)
    out["wasserstein_norm"] = float(w / max(std, 0.001))
    ks = stats.ks_2samp(ref, cur)
    out["ks"] = {"statistic": float(ks.statistic), "p_value": float(ks.pvalue)}
    if len(ref) <= 1000:
        test = "ks" if len(union) > 5 else ("chisquare" if len(union) > 2 else "z")
    else:
        test = "wasserstein" if len(union) > 5 else "jensenshannon"
    return test, out


def categorical(ref, cur):
    rk, rc = np.unique(ref, return_counts=True)
    ck, cc = np.unique(cur, return_counts=True)
    keys = np.union1d(rk, ck)
    r = np.zeros(len(keys))
    c = np.zeros(len(keys))
    r[np.searchsorted(keys, rk)] = rc
    c[np.searchsorted(keys, ck)] = cc
    rp, cp = r / r.sum(), c / c.sum()
    out = binned_stats(rp, cp)
    out["hellinger"] = math.sqrt(1 - float(np.clip(np.sum(np.sqrt(rp * cp)), 0, 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = stats.chisquare(c, r * (c.sum() / r.sum()))
    out["chisquare"] = {"statistic": float(chi[0]), "p_value": float(chi[1])}
    ct = stats.chi2_contingency(np.array([r, c]), correction=False)
    out["chi2_contingency"] = {"statistic": float(ct[0]), "p_value": float(ct[1])}
    if len(ref) <= 1000:
        test = "chisquare" if len(keys) > 2 else "z"
    else:
        test = "jensenshannon"
    return test, out


THRESHOLDS = {"ks": 0.05, "chisquare": 0.05, "z": 0.05, "wasserstein": 0.1, "jensenshannon": 0.1}


def score(test, s):
    if test == "wasserstein":
        return s["wasserstein_norm"]
    v = s[test]
    return v["p_value"] if isinstance(v, dict) else v


def prepare(folder):
    import pandas as pd
    meta = json.load(open(os.path.join(folder, "columns.json")))
    for side in ("ref", "cur"):
        df = pd.read_csv(os.path.join(folder, f"{side}.csv"))
        for name in meta["numeric"]:
            np.save(os.path.join(folder, f"{side}.{name}.npy"), df[name].to_numpy(dtype=np.float64))
        for name in meta["categorical"]:
            np.save(os.path.join(folder, f"{side}.{name}.npy"), df[name].astype(str).to_numpy(dtype="U"))


def run(folder):
    started = time.perf_counter()
    meta = json.load(open(os.path.join(folder, "columns.json")))
    cols = {}
    for side in ("ref", "cur"):
        for name in meta["numeric"] + meta["categorical"]:
            cols[(side, name)] = np.load(os.path.join(folder, f"{side}.{name}.npy"))
    loaded = time.perf_counter()
    results = []
    for name in meta["numeric"] + meta["categorical"]:
        kind = "numeric" if name in meta["numeric"] else "categorical"
        test, s = (numeric if kind == "numeric" else categorical)(cols[("ref", name)], cols[("cur", name)])
        sc = score(test, s)
        drifted = sc <= THRESHOLDS[test] if test == "ks" else (sc < THRESHOLDS[test] if test in ("chisquare", "z") else sc >= THRESHOLDS[test])
        results.append({"column": name, "kind": kind, "test": test, "statistic": sc, "drifted": bool(drifted), "all": s})
    drifted = sum(1 for r in results if r["drifted"])
    ended = time.perf_counter()
    print(json.dumps({
        "seconds": ended - started,
        "load_seconds": loaded - started,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "dataset_drift": drifted / len(results) >= 0.5,
        "drifted_columns": drifted,
        "columns": results,
    }))


if __name__ == "__main__":
    {"prepare": prepare, "run": run}[sys.argv[1]](sys.argv[2])
