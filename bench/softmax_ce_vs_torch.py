#!/usr/bin/python3
"""bench/softmax_ce_vs_torch.py — softmax cross-entropy, nabla beside PyTorch.

Logits [4096, 1000] (N(0, 3)), integer targets, mean reduction:
  forward            nabla: nb_cross_entropy        torch: F.cross_entropy (no_grad)
  forward+backward   the loss, then backward to the logits
  softmax            nb_softmax(x, -1)               torch.softmax(x, -1)
  log_softmax        nb_log_softmax(x, -1)           torch.log_softmax(x, -1)
in PyTorch 1.13 (Debian's python3-torch), each side with 1 and with 2 threads,
interleaved round by round (nabla-bench softmax_ce in a child process, then
torch in this one) so both see the same machine state. Each side is then
taken at its faster thread setting, and the ratio printed is PyTorch's time
over nabla's (above 1: nabla faster).

Fairness: both sides reuse their memory from call to call (nabla resets its
step arena, torch's caching allocator keeps its blocks). Before each
backward, nabla zeroes the gradient it then accumulates into (nb_zero_grad,
what a training loop does), while torch sets x.grad = None, its cheaper
option (the gradient buffer is then handed over without a copy). The data
are the same on both sides: nabla-bench writes its logits, targets, loss and
gradient to .npy files first, and the script checks that torch computes the
same loss and gradient before timing anything.

usage: bench/softmax_ce_vs_torch.py [--bench PATH] [--rounds N]
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

CASES = ["forward", "forward+backward", "softmax", "log_softmax"]


def timed(fn, samples=7, min_seconds=0.1):
    """Median seconds per call, after a warm-up that also sizes the repeats
    (the method of bench/bench.c)."""
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        if time.perf_counter() - t0 >= min_seconds:
            break
        reps *= 2
    per_call = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        per_call.append((time.perf_counter() - t0) / reps)
    return statistics.median(per_call)


def torch_figures(x, y):
    """{(case, threads): ms} for PyTorch."""
    xr = x.clone().requires_grad_(True)

    def forward():
        with torch.no_grad():
            F.cross_entropy(x, y)

    def forward_backward():
        xr.grad = None
        F.cross_entropy(xr, y).backward()

    def softmax():
        with torch.no_grad():
            torch.softmax(x, -1)

    def log_softmax():
        with torch.no_grad():
            torch.log_softmax(x, -1)

    fns = dict(zip(CASES, [forward, forward_backward, softmax, log_softmax]))
    out = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for case in CASES:
            out[(case, threads)] = 1e3 * timed(fns[case])
    return out


def nabla_figures(bench):
    """{(case, threads): ms} for nabla, and its header line (ISA path)."""
    text = subprocess.run([bench, "softmax_ce", "1"], check=True, capture_output=True,
                          text=True).stdout
    out = {}
    for m in re.finditer(r"softmax_ce \d+x\d+ (\S+)\s+(\d) threads?\s+([\d.]+) ms", text):
        out[(m.group(1), int(m.group(2)))] = float(m.group(3))
    return out, text.splitlines()[0]


def check_same_results(bench):
    """nabla's loss and gradient on its data against torch's on the same data."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([bench, "softmax_ce", "1", "--save", d], check=True, capture_output=True)
        x = torch.from_numpy(np.load(os.path.join(d, "logits.npy")))
        y = torch.from_numpy(np.load(os.path.join(d, "target.npy")))
        grad = torch.from_numpy(np.load(os.path.join(d, "grad.npy")))
        with open(os.path.join(d, "loss.txt")) as f:
            loss = float(f.read())
    xr = x.clone().requires_grad_(True)
    tl = F.cross_entropy(xr, y)
    tl.backward()
    dl = abs(loss - tl.item()) / abs(tl.item())
    dg = (grad - xr.grad).abs().max().item() / xr.grad.abs().max().item()
    print(f"same data on both sides: loss nabla {loss:.7f}, torch {tl.item():.7f} (rel. diff "
          f"{dl:.1e}); gradient max |diff| / max |grad| {dg:.1e}")
    assert dl < 1e-5 and dg < 1e-5, "nabla and torch disagree"
    return x, y


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", default=os.path.join(here, "..", "build", "bench", "nabla-bench"))
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    x, y = check_same_results(args.bench)
    rounds = []
    header = ""
    for _ in range(args.rounds):  # interleaved: nabla, torch, nabla, torch, ...
        nab, header = nabla_figures(args.bench)
        rounds.append((nab, torch_figures(x, y)))
    med = lambda side, key: statistics.median(rd[side][key] for rd in rounds)
    print(header)
    print(f"torch {torch.__version__}; {args.rounds} interleaved rounds, medians in ms")
    print(f"{'4096x1000':18s} {'nabla 1t':>9s} {'nabla 2t':>9s} {'torch 1t':>9s} {'torch 2t':>9s}"
          f" {'nabla best':>11s} {'torch best':>11s} {'torch/nabla':>12s}")
    for case in CASES:
        n1, n2, t1, t2 = med(0, (case, 1)), med(0, (case, 2)), med(1, (case, 1)), med(1, (case, 2))
        nb, tb = min(n1, n2), min(t1, t2)
        print(f"{case:18s} {n1:9.3f} {n2:9.3f} {t1:9.3f} {t2:9.3f} {nb:11.3f} {tb:11.3f} {tb / nb:12.2f}")
    nb = min(med(0, ("forward+backward", 1)), med(0, ("forward+backward", 2)))
    tb = min(med(1, ("forward+backward", 1)), med(1, ("forward+backward", 2)))
    print(f"softmax cross-entropy 4096x1000 forward+backward, each at its faster thread setting: "
          f"nabla {nb:.3f} ms, torch {tb:.3f} ms, torch/nabla {tb / nb:.2f} (target >= 1)")


if __name__ == "__main__":
    main()
