#!/usr/bin/python3
"""nabla's linreg and logreg beside scikit-learn 1.2, on the same rows.

Usage: bench/models_vs_sklearn.py [--nabla build/cli/nabla] [--data /work/shared/data] [--runs 5]

Each task splits a CSV as scikit-learn's train_test_split(test_size=0.2, random_state=0)
does (the split of /work/shared/bench), writes the two parts to a temporary folder, and
 - fits scikit-learn's estimator with default settings (after StandardScaler where the
   task says "std"), 1 warm-up + RUNS timed fits, median, inside Python;
 - runs `nabla train --test-data`, whose pipeline does the same scaling, with
   `--repeat RUNS`: the median of RUNS fits after the first, timed inside nabla. nabla's
   time includes fitting its preprocessing pipeline; scikit-learn's does not.
Then prints both metrics (test accuracy, or R^2), both fit times, and whether nabla is
within the targets: metric within 0.5 percentage points (R^2 within 0.005), fit time no
more than scikit-learn's. The two are run one after the other per task, so they see the
same machine load.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))

# (data set, nabla model, scikit-learn factory, standardize?, metric)
TASKS = [
    ("diabetes", "linreg", LinearRegression, False, "r2"),
    ("breast_cancer", "logreg", LogisticRegression, True, "accuracy"),
    ("digits", "logreg", LogisticRegression, True, "accuracy"),
]


def load(path):
    with open(path) as f:
        header = f.readline().rstrip("\n")
    xy = np.loadtxt(path, delimiter=",", skiprows=1)
    return header, xy


def split_files(tmp, name, header, xy):
    tr, te = train_test_split(np.arange(len(xy)), test_size=0.2, random_state=0)
    paths = []
    for part, rows in (("train", tr), ("test", te)):
        p = os.path.join(tmp, f"{name}.{part}.csv")
        np.savetxt(p, xy[rows], delimiter=",", header=header, comments="", fmt="%.17g")
        paths.append(p)
    return paths, xy[tr], xy[te]


def sklearn_run(make, std, train, test, metric, runs):
    Xtr, ytr, Xte, yte = train[:, :-1], train[:, -1], test[:, :-1], test[:, -1]
    if std:
        sc = StandardScaler().fit(Xtr)
        Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    make().fit(Xtr, ytr)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        model = make().fit(Xtr, ytr)
        times.append(time.perf_counter() - t0)
    value = model.score(Xte, yte)  # accuracy for classifiers, R^2 for regressors
    return value, statistics.median(times), min(times), max(times)


def nabla_run(exe, model, train, test, metric, runs, tmp):
    log = os.path.join(tmp, "run.jsonl")
    cmd = [exe, "train", "--model", model, "--data", train, "--target", "target",
           "--test-data", test, "--repeat", str(runs), "--log", log]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"nabla failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr}")
    value = timing = None
    with open(log) as f:
        for line in f:
            ev = json.loads(line)
            if ev["event"] == "result":
                value = ev["test"][metric]
            elif ev["event"] == "timing":
                timing = ev
    return value, timing["median_s"], timing["min_s"], timing["max_s"]


def cpu_busy(seconds=0.5):
    """Share of the machine's CPU time spent busy (by anyone) over `seconds`."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return 1 - (i1 - i0) / max(t1 - t0, 1)


def wait_quiet(limit=0.15, patience=300):
    """Waits (up to `patience` s) until other processes use under `limit` of the CPUs."""
    t0 = time.time()
    busy = cpu_busy()
    while busy > limit and time.time() - t0 < patience:
        busy = cpu_busy(2)
    return busy


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nabla", default=os.path.join(HERE, "..", "build", "cli", "nabla"))
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--runs", type=int, default=5, help="timed fits per round")
    ap.add_argument("--rounds", type=int, default=3, help="sklearn/nabla alternations per task")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}")
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
          + subprocess.run([args.nabla, "--version"], capture_output=True, text=True).stdout.strip())
    print(f"fit times: median over {args.rounds} rounds of the median of {args.runs} fits (after a warm-up)")
    print(f"{'data':20s} {'model':7s} {'metric':9s} {'sklearn':>9s} {'nabla':>9s} {'diff':>8s}"
          f" {'sklearn ms':>11s} {'nabla ms':>10s} {'ratio':>6s}  targets")
    ok_all = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, make, std, metric in TASKS:
            header, xy = load(os.path.join(args.data, name + ".csv"))
            (train, test), tr, te = split_files(tmp, name, header, xy)
            st, nt, busy = [], [], []
            for _ in range(args.rounds):  # alternate, so both see the same machine
                busy.append(wait_quiet())
                sv, s, _, _ = sklearn_run(make, std, tr, te, metric, args.runs)
                nv, n, _, _ = nabla_run(args.nabla, model, train, test, metric, args.runs, tmp)
                st.append(s), nt.append(n)
            st, nt = statistics.median(st), statistics.median(nt)
            ok = abs(nv - sv) <= 0.005 + 1e-12 and nt <= st
            ok_all &= ok
            label = name + (" (std)" if std else "")
            print(f"{label:20s} {model:7s} {metric:9s} {sv:9.4f} {nv:9.4f} {nv - sv:+8.4f}"
                  f" {st * 1e3:11.3f} {nt * 1e3:10.3f} {nt / st:6.2f}  "
                  f"{'met' if ok else 'NOT met'} (busy before: {max(busy):.0%})")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
