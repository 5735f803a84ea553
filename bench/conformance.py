#!/usr/bin/python3
"""bench/conformance.py — every nabla op against PyTorch, values and gradients.

Runs build/bench/nabla-conformance, which applies each op in nabla's op table
(the built-in ones and nn's layers and losses)
to the random f64 inputs of the op's own gradcheck sampler and prints the
inputs, the attributes, the output and the gradients of sum(output * r).
This script replays each case in PyTorch (Debian's python3-torch) and checks
    |nabla - torch| <= 1e-6 |torch| + 1e-12
for the output and every gradient.

usage: bench/conformance.py [--driver PATH] [--seeds N] [OP ...]
"""
import argparse
import json
import os
import subprocess
import sys

import torch
import torch.nn.functional as F

RTOL, ATOL = 1e-6, 1e-12
DTYPES = {"f64": torch.float64, "f32": torch.float32, "i64": torch.int64, "i32": torch.int32,
          "bool": torch.bool}


def tensor(d, requires_grad=False):
    t = torch.tensor(d["data"], dtype=torch.float64).reshape(d["shape"]).to(DTYPES[d["dtype"]])
    if requires_grad and t.is_floating_point():
        t.requires_grad_(True)
    return t


def reduce_max_min(x, a, is_max):
    axes, keep = a["axes"], a["keepdim"]
    if len(axes) == 1 and x.dim() > 1:  # along one axis: the gradient goes to the index returned
        v = torch.max(x, dim=axes[0], keepdim=keep) if is_max else torch.min(x, dim=axes[0], keepdim=keep)
        return v.values
    return torch.amax(x, dim=axes, keepdim=keep) if is_max else torch.amin(x, dim=axes, keepdim=keep)


def prod(x, a):
    y = x
    for ax in sorted(a["axes"], reverse=True):
        y = torch.prod(y, dim=ax, keepdim=a["keepdim"])
    return y


def take(x, idx, axis):
    size = x.shape[axis]
    flat = torch.remainder(idx.reshape(-1), size)
    y = torch.index_select(x, axis, flat)
    return y.reshape(tuple(x.shape[:axis]) + tuple(idx.shape) + tuple(x.shape[axis + 1:]))


def slice_op(x, a):
    n = x.shape[a["axis"]]
    idx = torch.tensor(list(range(*slice(a["start"], a["stop"], a["step"]).indices(n))), dtype=torch.int64)
    return torch.index_select(x, a["axis"], idx)


def pair(a, key):
    return tuple(a[key])


def pool_grad(g, x, a):
    """max_pool2d_scatter: the gradient of max pooling at x, applied to g."""
    xr = x.detach().requires_grad_(True)
    y = F.max_pool2d(xr, pair(a, "kernel"), pair(a, "stride"), pair(a, "padding"), pair(a, "dilation"))
    return torch.autograd.grad(y, xr, g, create_graph=True)[0]


def cross_entropy(i, a):
    return F.cross_entropy(i[0], i[1], weight=i[2] if len(i) > 2 else None,
                           ignore_index=a["ignore_index"] if a["ignore"] else -100,
                           label_smoothing=a["smoothing"], reduction=["mean", "sum", "none"][a["reduction"]])


RED = ["mean", "sum", "none"]


def composite_nll(i, a):
    ignore = int(a["a"][2])
    return F.nll_loss(i[0], i[1], weight=i[2], ignore_index=ignore if ignore >= 0 else -100,
                      reduction=RED[int(a["a"][0])])


def hinge(i, a):
    loss = torch.relu(a["a"][1] - i[1] * i[0])
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[RED[int(a["a"][0])]]


# nn's composite layers and losses (see nabla-conformance); attrs "a": [reduction, x, y, z]
NN_COMPOSITES = {
    "mse_loss": lambda i, a: F.mse_loss(i[0], i[1], reduction=RED[int(a["a"][0])]),
    "l1_loss": lambda i, a: F.l1_loss(i[0], i[1], reduction=RED[int(a["a"][0])]),
    "huber_loss": lambda i, a: F.huber_loss(i[0], i[1], delta=a["a"][1], reduction=RED[int(a["a"][0])]),
    "bce_with_logits": lambda i, a: F.binary_cross_entropy_with_logits(i[0], i[1], weight=i[2], pos_weight=i[3],
                                                                       reduction=RED[int(a["a"][0])]),
    "hinge_loss": hinge,
    "nll_loss": composite_nll,
    "multi_margin_loss": lambda i, a: F.multi_margin_loss(i[0], i[1], p=int(a["a"][3]), margin=a["a"][1], weight=i[2],
                                                          reduction=RED[int(a["a"][0])]),
    "avg_pool2d": lambda i, a: F.avg_pool2d(i[0], int(a["a"][0]), int(a["a"][1]), int(a["a"][2])),
    "embedding": lambda i, a: F.embedding(i[1], i[0]),
}

# nn's ops (layers and losses), against torch.nn.functional
NN_OPS = {
    "linear": lambda i, a: F.linear(i[0], i[1], i[2]),
    "conv2d": lambda i, a: F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, pair(a, "stride"),
                                    pair(a, "padding"), pair(a, "dilation")),
    "im2col": lambda i, a: F.unfold(i[0], pair(a, "kernel"), pair(a, "dilation"), pair(a, "padding"),
                                    pair(a, "stride")),
    "col2im": lambda i, a: F.fold(i[0], pair(a, "size"), pair(a, "kernel"), pair(a, "dilation"),
                                  pair(a, "padding"), pair(a, "stride")),
    "max_pool2d": lambda i, a: F.max_pool2d(i[0], pair(a, "kernel"), pair(a, "stride"), pair(a, "padding"),
                                            pair(a, "dilation")),
    "max_pool2d_scatter": lambda i, a: pool_grad(i[0], i[1], a),
    "cross_entropy": cross_entropy,
    "embedding_bag": lambda i, a: F.embedding_bag(i[1], i[0], i[2], mode=["sum", "mean"][a["mode"]]),
    "batch_norm": lambda i, a: F.batch_norm(i[0], None, None, i[1] if len(i) > 1 else None,
                                            i[2] if len(i) > 1 else None, training=True, eps=a["eps"]),
    "layer_norm": lambda i, a: F.layer_norm(i[0], i[0].shape[-a["naxes"]:], i[1] if len(i) > 1 else None,
                                            i[2] if len(i) > 1 else None, a["eps"]),
}

OPS = {
    "neg": lambda i, a: torch.neg(i[0]),
    "abs": lambda i, a: torch.abs(i[0]),
    "exp": lambda i, a: torch.exp(i[0]),
    "log": lambda i, a: torch.log(i[0]),
    "log1p": lambda i, a: torch.log1p(i[0]),
    "sqrt": lambda i, a: torch.sqrt(i[0]),
    "rsqrt": lambda i, a: torch.rsqrt(i[0]),
    "sin": lambda i, a: torch.sin(i[0]),
    "cos": lambda i, a: torch.cos(i[0]),
    "tanh": lambda i, a: torch.tanh(i[0]),
    "sigmoid": lambda i, a: torch.sigmoid(i[0]),
    "relu": lambda i, a: torch.relu(i[0]),
    "leaky_relu": lambda i, a: F.leaky_relu(i[0], a["a"]),
    "gelu": lambda i, a: F.gelu(i[0]),
    "softplus": lambda i, a: F.softplus(i[0]),
    "sign": lambda i, a: torch.sign(i[0]),
    "erf": lambda i, a: torch.erf(i[0]),
    "clamp": lambda i, a: torch.clamp(i[0], a["a"], a["b"]),
    "pow_scalar": lambda i, a: torch.pow(i[0], a["a"]),
    "add": lambda i, a: i[0] + i[1],
    "sub": lambda i, a: i[0] - i[1],
    "mul": lambda i, a: i[0] * i[1],
    "div": lambda i, a: i[0] / i[1],
    "pow": lambda i, a: torch.pow(i[0], i[1]),
    "maximum": lambda i, a: torch.maximum(i[0], i[1]),
    "minimum": lambda i, a: torch.minimum(i[0], i[1]),
    "eq": lambda i, a: i[0] == i[1],
    "ne": lambda i, a: i[0] != i[1],
    "lt": lambda i, a: i[0] < i[1],
    "le": lambda i, a: i[0] <= i[1],
    "gt": lambda i, a: i[0] > i[1],
    "ge": lambda i, a: i[0] >= i[1],
    "where": lambda i, a: torch.where(i[0], i[1], i[2]),
    "sum": lambda i, a: torch.sum(i[0], dim=a["axes"], keepdim=a["keepdim"]),
    "mean": lambda i, a: torch.mean(i[0], dim=a["axes"], keepdim=a["keepdim"]),
    "prod": lambda i, a: prod(i[0], a),
    "var": lambda i, a: torch.var(i[0], dim=a["axes"], unbiased=bool(a["correction"]), keepdim=a["keepdim"]),
    "std": lambda i, a: torch.std(i[0], dim=a["axes"], unbiased=bool(a["correction"]), keepdim=a["keepdim"]),
    "max": lambda i, a: reduce_max_min(i[0], a, True),
    "min": lambda i, a: reduce_max_min(i[0], a, False),
    "logsumexp": lambda i, a: torch.logsumexp(i[0], dim=a["axes"], keepdim=a["keepdim"]),
    "softmax": lambda i, a: torch.softmax(i[0], dim=a["axis"]),
    "log_softmax": lambda i, a: torch.log_softmax(i[0], dim=a["axis"]),
    "argmax": lambda i, a: torch.argmax(i[0], dim=a["axes"][0], keepdim=a["keepdim"]),
    "argmin": lambda i, a: torch.argmin(i[0], dim=a["axes"][0], keepdim=a["keepdim"]),
    "matmul": lambda i, a: torch.matmul(i[0], i[1]),
    "reshape": lambda i, a: i[0].reshape(a["shape"]),
    "expand": lambda i, a: i[0].expand(a["shape"]),
    "permute": lambda i, a: i[0].permute(a["axes"][: i[0].dim()]),
    "slice": lambda i, a: slice_op(i[0], a),
    "clone": lambda i, a: i[0].clone(),
    "cast": lambda i, a: i[0].to(torch.float64),
    "concat": lambda i, a: torch.cat(i, dim=a["axis"]),
    "gather": lambda i, a: torch.gather(i[0], a["axis"], i[1]),
    "scatter_add": lambda i, a: i[0].scatter_add(a["axis"], i[1], i[2]),
    "take": lambda i, a: take(i[0], i[1], a["axis"]),
    "masked_select": lambda i, a: torch.masked_select(i[0], i[1]),
    **NN_OPS,
    **NN_COMPOSITES,
}


def close(ours, theirs):
    ours = ours.to(torch.float64)
    theirs = theirs.detach().to(torch.float64)
    if ours.shape != theirs.shape:
        return False, f"shape {list(ours.shape)} vs {list(theirs.shape)}"
    err = (ours - theirs).abs()
    bound = RTOL * theirs.abs() + ATOL
    bad = ~(err <= bound)
    if bad.any():
        k = int(torch.nonzero(bad.reshape(-1))[0])
        return False, f"element {k}: nabla {ours.reshape(-1)[k]:.17g}, torch {theirs.reshape(-1)[k]:.17g}"
    return True, f"max abs err {float(err.max()) if err.numel() else 0:.2e}"


def check(case):
    """Returns (ok, message) for one JSON case."""
    name = case["op"]
    if name not in OPS:
        return False, "no PyTorch counterpart in conformance.py"
    grads_given = "grads" in case
    inputs = [tensor(d, requires_grad=grads_given and case["grads"][k] is not None)
              for k, d in enumerate(case["inputs"])]
    y = OPS[name](inputs, case["attrs"])
    ok, msg = close(tensor(case["output"]), y)
    if not ok or not grads_given:
        return ok, "output " + msg
    (y.to(torch.float64) * tensor(case["r"])).sum().backward()
    for k, g in enumerate(case["grads"]):
        if g is None:
            continue
        theirs = inputs[k].grad if inputs[k].grad is not None else torch.zeros_like(inputs[k])
        ok, gmsg = close(tensor(g), theirs)
        if not ok:
            return False, f"gradient of input {k}: {gmsg}"
    return True, "output and gradients " + msg


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--driver", default=os.path.join(here, "..", "build", "bench", "nabla-conformance"))
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("ops", nargs="*")
    args = p.parse_args()
    torch.set_num_threads(1)
    out = subprocess.run([args.driver, str(args.seeds)] + args.ops, check=True, capture_output=True,
                         text=True).stdout
    per_op = {}
    failures = 0
    for line in out.splitlines():
        case = json.loads(line)
        ok, msg = check(case)
        per_op.setdefault(case["op"], []).append(ok)
        if not ok:
            failures += 1
            print(f"FAIL {case['op']} seed {case['seed']}: {msg}")
    for name, oks in per_op.items():
        print(f"{name:14s} {sum(oks)}/{len(oks)} cases agree with torch {torch.__version__}")
    print(f"conformance: {len(per_op)} ops, {sum(len(v) for v in per_op.values())} cases, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
