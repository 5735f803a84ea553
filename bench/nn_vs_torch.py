#!/usr/bin/python3
"""bench/nn_vs_torch.py — training on Fashion-MNIST, nabla beside PyTorch.

The same two models in both, trained the same way: Adam (lr 1e-3) on
shuffled mini-batches of 128, one full pass over the 60,000 training images
per epoch (forward, backward, update; no evaluation), images scaled to mean
0 / std 1 in place:
  mlp: 784-256-128-10 with ReLU;
  cnn: conv 3x3 1->32 (pad 1), ReLU, max pool 2; conv 3x3 32->64 (pad 1),
       ReLU, max pool 2; 3136-128 ReLU, dropout 0.25, 128-10.
nabla runs as `nabla-bench nn MODEL` (its own process, OpenMP on both cores);
PyTorch 1.13 (Debian's python3-torch, CPU) runs in a fresh process with
torch.set_num_threads(1) and (2). The runs are interleaved round by round,
and each waits until the machine is quiet (this VM is shared): the CPU time
other processes used during a run is printed beside it.

Reported per setting: the median seconds per epoch over the rounds (each
run's own median epoch), and the process's peak resident memory (VmHWM /
ru_maxrss: the whole process, interpreter and libraries included, plus the
memory after loading the data). The ratio is nabla against PyTorch's faster
setting.

usage: bench/nn_vs_torch.py BUILD_DIR [--models mlp,cnn] [--rounds N]
                            [--epochs-mlp N] [--epochs-cnn N] [--data DIR]
                            [--max-wait S] [--settings "2 threads,PyTorch"]
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

DATA = "/usr/share/datasets/fashion-mnist"

# ---------------------------------------------------------------- PyTorch side

TORCH_CHILD = r'''
import gzip, json, resource, statistics, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
model_name, threads, epochs, folder = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
torch.set_num_threads(threads)

def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

def idx(name, offset):
    with gzip.open(folder + "/" + name) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)

x = torch.from_numpy(idx("train-images-idx3-ubyte.gz", 16).copy()).float().reshape(-1, 1, 28, 28)
x.div_(255).sub_(0.2860).div_(0.3530)   # in place, as nabla does
y = torch.from_numpy(idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64))
rss_data = rss_mib()
torch.manual_seed(1)
if model_name == "mlp":
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
else:
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
secs = []
for epoch in range(epochs):
    t0 = time.perf_counter()
    perm = torch.randperm(x.shape[0])
    total = 0.0
    for i in range(0, x.shape[0], 128):
        rows = perm[i:i + 128]
        loss = F.cross_entropy(model(x[rows]), y[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * rows.shape[0]
    secs.append(time.perf_counter() - t0)
    print("  epoch %d: %.3f s, loss %.4f" % (epoch + 1, secs[-1], total / x.shape[0]), flush=True)
print("nn-result " + json.dumps({"model": model_name, "threads": threads, "median_s": statistics.median(secs),
      "epochs_s": secs, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
      "rss_after_data_mib": rss_data}))
'''

# ---------------------------------------------------------------- the machine


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(t) for t in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def wait_quiet(max_s, busy_below=0.15, quiet_for=6.0):
    """Returns once the machine has been under busy_below for quiet_for
    seconds (or after max_s, saying so)."""
    t_end = time.time() + max_s
    quiet_since = None
    b0, t0 = cpu_ticks()
    while time.time() < t_end:
        time.sleep(1.0)
        b1, t1 = cpu_ticks()
        busy = (b1 - b0) / max(t1 - t0, 1)
        b0, t0 = b1, t1
        if busy < busy_below:
            quiet_since = quiet_since or time.time()
            if time.time() - quiet_since >= quiet_for:
                return True
        else:
            quiet_since = None
    print("  (machine still busy after %d s; measuring anyway)" % max_s, flush=True)
    return False


def run(cmd):
    """Runs a measurement; returns its nn-result dict and the CPU other
    processes used meanwhile, in % of one core (the machine's busy time
    minus the run's own)."""
    hz = os.sysconf("SC_CLK_TCK")
    b0, _ = cpu_ticks()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    wall = time.time() - t0
    b1, _ = cpu_ticks()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) * hz
    foreign = max(0.0, (b1 - b0 - own) / hz / wall * 100)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("nn-result "):
            result = json.loads(line[len("nn-result "):])
    if proc.returncode != 0 or result is None:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stdout))
    return result, foreign


# ---------------------------------------------------------------- main


def settings(build, model, epochs, folder):
    bench = os.path.join(build, "bench", "nabla-bench")
    torch_cmd = ["/usr/bin/python3", "-c", TORCH_CHILD, model]
    return [
        ("nabla (2 threads)", [bench, "nn", model, "--epochs", str(epochs), "--data", folder]),
        ("nabla (1 thread)", [bench, "nn", model, "--epochs", str(epochs), "--data", folder, "--threads", "1"]),
        ("PyTorch 1 thread", torch_cmd + ["1", str(epochs), folder]),
        ("PyTorch 2 threads", torch_cmd + ["2", str(epochs), folder]),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--models", default="mlp,cnn")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--epochs-mlp", type=int, default=3)
    ap.add_argument("--epochs-cnn", type=int, default=2)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--max-wait", type=int, default=300)
    ap.add_argument("--settings", default="", help="comma-separated substrings picking settings, e.g. '2 threads'")
    args = ap.parse_args()
    print("# nn_vs_torch: %s, %d rounds, %s" % (time.strftime("%Y-%m-%d %H:%M"), args.rounds, os.uname().nodename))
    for model in args.models.split(","):
        epochs = args.epochs_mlp if model == "mlp" else args.epochs_cnn
        chosen = [(n, c) for n, c in settings(args.build, model, epochs, args.data)
                  if not args.settings or any(p in n for p in args.settings.split(","))]
        found = {name: [] for name, _ in chosen}
        for r in range(args.rounds):
            for name, cmd in chosen:
                wait_quiet(args.max_wait)
                res, foreign = run(cmd)
                found[name].append((res, foreign))
                print("%s round %d  %-18s %7.3f s/epoch  peak %6.1f MiB  (others used %3.0f%% of a core)"
                      % (model, r + 1, name, res["median_s"], res["peak_rss_mib"], foreign), flush=True)
        report(model, found)


CLEAN = 10.0  # % of a core: a run during which others used less counts as clean


def summary(runs):
    """(median s/epoch, best, median peak RSS, median RSS after data, max foreign %) of runs."""
    return (statistics.median(r["median_s"] for r, _ in runs), min(r["median_s"] for r, _ in runs),
            statistics.median(r["peak_rss_mib"] for r, _ in runs),
            statistics.median(r["rss_after_data_mib"] for r, _ in runs), max(f for _, f in runs))


def report(model, found):
    """Two tables: every run, and the clean runs only (others under CLEAN % of a core)."""
    for title, keep in (("all runs", lambda f: True), ("clean runs (others < %.0f%% of a core)" % CLEAN,
                                                       lambda f: f < CLEAN)):
        rows = {name: summary([x for x in runs if keep(x[1])]) for name, runs in found.items()
                if any(keep(f) for _, f in runs)}
        torch_rows = [v for k, v in rows.items() if k.startswith("PyTorch")]
        if not torch_rows:
            continue
        best = min(torch_rows, key=lambda v: v[0])
        print("\n%s, %s\n| setting | s/epoch (median) | best | peak RSS MiB | RSS after data | max foreign CPU "
              "| vs PyTorch's faster |\n| --- | --- | --- | --- | --- | --- | --- |" % (model, title))
        for name, (med, fastest, peak, data, foreign) in rows.items():
            ratio = "%.2fx time, %.2fx memory" % (med / best[0], peak / best[2]) if name.startswith("nabla") else ""
            print("| %s | %.3f | %.3f | %.1f | %.1f | %.0f%% | %s |" % (name, med, fastest, peak, data, foreign, ratio))
    print(flush=True)


if __name__ == "__main__":
    main()
