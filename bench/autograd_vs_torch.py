#!/usr/bin/python3
"""bench/autograd_vs_torch.py — graph overhead, nabla beside PyTorch eager.

The same two workloads as `nabla-bench autograd`, in PyTorch 1.13 (Debian's
python3-torch), interleaved round by round with nabla's so that both see the
same machine state:
  1. a chain of 100,000 ops on 0-d tensors, y = tanh(y * w_i + b_i) * 0.9
     over 500 leaves: nanoseconds per op, forward (graph building),
     forward+backward, and forward under no_grad;
  2. one SGD step of a 64-128-10 MLP (ReLU, cross-entropy) on a batch of 32.
Both run on one thread (PyTorch's fastest setting for this work on these
machines; see /work/shared/bench/RESULTS.md).

usage: bench/autograd_vs_torch.py [--bench PATH] [--rounds N]
"""
import argparse
import os
import re
import statistics
import subprocess
import time

import torch
import torch.nn.functional as F

LEAVES, STEPS = 500, 25000
OPS = 4 * STEPS


def timed(fn, samples=7, min_seconds=0.3):
    """Median seconds per call, after a warm-up that also sizes the repeats."""
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


def torch_figures():
    g = torch.Generator().manual_seed(7)
    w = [(0.5 + 0.5 * torch.rand((), generator=g)).requires_grad_() for _ in range(LEAVES)]
    b = [(0.1 * torch.randn((), generator=g)).requires_grad_() for _ in range(LEAVES)]
    x = torch.tensor(0.3)

    def chain():
        y = x
        for i in range(STEPS):
            k = i % LEAVES
            y = torch.tanh(y * w[k] + b[k]) * 0.9
        return y

    def forward_backward():
        chain().backward()

    def no_grad():
        with torch.no_grad():
            chain()

    fwd = timed(chain)
    both = timed(forward_backward)
    nograd = timed(no_grad)
    X = torch.randn(32, 64, generator=g)
    labels = torch.randint(0, 10, (32,), generator=g)
    W1 = ((torch.rand(64, 128, generator=g) - 0.5) * 0.25).requires_grad_()
    b1 = torch.zeros(128, requires_grad=True)
    W2 = ((torch.rand(128, 10, generator=g) - 0.5) * 0.176).requires_grad_()
    b2 = torch.zeros(10, requires_grad=True)
    params = [W1, b1, W2, b2]

    def mlp_step():
        loss = F.cross_entropy(torch.relu(X @ W1 + b1) @ W2 + b2, labels)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.05 * p.grad
                p.grad = None

    mlp = timed(mlp_step, samples=9)
    return {"both": 1e9 * both / OPS, "fwd": 1e9 * fwd / OPS, "bwd": 1e9 * (both - fwd) / OPS,
            "nograd": 1e9 * nograd / OPS, "mlp": 1e6 * mlp}


def nabla_figures(bench):
    out = subprocess.run([bench, "autograd"], check=True, capture_output=True, text=True).stdout
    m = re.search(r"forward\+backward ([\d.]+) ns/op, forward ([\d.]+) ns/op, backward ([\d.]+) "
                  r"ns/op, forward no_grad ([\d.]+) ns/op", out)
    mlp = re.search(r"sgd step: ([\d.]+) us", out)
    both, fwd, bwd, nograd = (float(v) for v in m.groups())
    return {"both": both, "fwd": fwd, "bwd": bwd, "nograd": nograd, "mlp": float(mlp.group(1))}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", default=os.path.join(here, "..", "build", "bench", "nabla-bench"))
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    torch.set_num_threads(1)
    rounds = []
    for r in range(args.rounds):  # interleaved: nabla, torch, nabla, torch, ...
        rounds.append((nabla_figures(args.bench), torch_figures()))
    med = lambda side, key: statistics.median(rd[side][key] for rd in rounds)
    rows = [("forward+backward ns/op", "both"), ("forward ns/op", "fwd"), ("backward ns/op", "bwd"),
            ("forward no_grad ns/op", "nograd"), ("MLP 64-128-10 b32 SGD step us", "mlp")]
    print(f"torch {torch.__version__}, 1 thread, {args.rounds} interleaved rounds, medians")
    print(f"{'figure':32s} {'nabla':>10s} {'pytorch':>10s} {'nabla/pytorch':>14s}")
    for label, key in rows:
        a, b = med(0, key), med(1, key)
        print(f"{label:32s} {a:10.1f} {b:10.1f} {a / b:14.3f}")
    ratio = med(0, "both") / med(1, "both")
    print(f"per-op overhead (forward+backward): nabla {med(0, 'both'):.0f} ns, PyTorch "
          f"{med(1, 'both'):.0f} ns, ratio {ratio:.3f} (target <= 0.05)")


if __name__ == "__main__":
    main()
