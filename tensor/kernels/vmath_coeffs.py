#!/usr/bin/python3
"""tensor/kernels/vmath_coeffs.py — derives the polynomial coefficients used by
vmath_template.h, and the error bound of each, so that nobody has to take the
constants in the C file on trust.

Run: /usr/bin/python3 tensor/kernels/vmath_coeffs.py   (needs python3-mpmath;
about a minute). It prints the constants as the C file spells them.

Two fits, both by the Remez exchange algorithm (minimax: the polynomial whose
largest weighted error over the interval is smallest; at the optimum the error
takes its extreme value with alternating signs at n + 1 points, which is how
convergence is checked), done in 40-digit arithmetic:

1. exp for f32.  e^r on |r| <= ln2/2, the range left after e^x = 2^n e^r.
   p(r) = 1 + r + c2 r^2 + ... + c6 r^6 with 1 and r fixed (so p is exact to
   first order at 0), the c_k chosen to minimise the relative error
   |p(r) - e^r| / e^r. The c_k are then rounded to f32 and the error of the
   rounded polynomial measured again.

2. The erfc behind GELU, evaluated in f64.  For t >= 0 write
       erfc(t) = u exp(-t^2 + M(u)),   u = 2 / (2 + t)  in (0, 1],
   M(u) = log(erfc(t) e^(t^2) / u) is smooth and bounded on the whole half
   line (erfc(t) e^(t^2) ~ 1 / (t sqrt(pi)) and u ~ 2 / t as t grows), so a
   polynomial in u fits it well. The fit is over t in [0, T_MAX] (beyond that
   GELU is 0 or x in f32), minimising the absolute error of M, which is the
   relative error of erfc. The polynomial is written in w = (u - U_MID) /
   U_HALF in [-1, 1] so that its coefficients stay small and Horner's rule in
   f64 loses nothing.

The other polynomials in vmath_template.h are Taylor series whose remainders
are bounded there in a line.
"""
import mpmath as mp

mp.mp.dps = 40


def remez(f, basis, weight, a, b, iters=30, grid=4000):
    """Minimax fit of f by sum_k c_k basis[k](x) on [a, b], minimising
    max |weight(x) (f(x) - p(x))|. Returns (coefficients, max weighted error)."""
    n = len(basis)
    # start from the Chebyshev extrema, mapped to [a, b]
    ref = [(a + b) / 2 - (b - a) / 2 * mp.cos(mp.pi * i / (n)) for i in range(n + 1)]
    xs = [a + (b - a) * mp.mpf(i) / grid for i in range(grid + 1)]
    for _ in range(iters):
        # solve sum c_k phi_k(x_i) + (-1)^i E / w(x_i) = f(x_i)
        A = mp.matrix(n + 1, n + 1)
        rhs = mp.matrix(n + 1, 1)
        for i, x in enumerate(ref):
            for k in range(n):
                A[i, k] = basis[k](x)
            A[i, n] = (-1) ** i / weight(x)
            rhs[i] = f(x)
        sol = mp.lu_solve(A, rhs)
        c = [sol[k] for k in range(n)]

        def err(x):
            return weight(x) * (f(x) - sum(ck * bk(x) for ck, bk in zip(c, basis)))

        es = [err(x) for x in xs]
        # local extrema of the error on the grid (ends included), refined by a
        # parabola through the neighbours
        ext = []
        for i in range(len(xs)):
            left = es[i - 1] if i > 0 else None
            right = es[i + 1] if i < len(xs) - 1 else None
            if (left is None or abs(es[i]) >= abs(left)) and (right is None or abs(es[i]) >= abs(right)):
                ext.append((xs[i], es[i]))
        # keep alternating signs: in each run of equal sign keep the largest
        alt = []
        for x, e in ext:
            if alt and mp.sign(alt[-1][1]) == mp.sign(e):
                if abs(e) > abs(alt[-1][1]):
                    alt[-1] = (x, e)
            else:
                alt.append((x, e))
        while len(alt) > n + 1:  # drop the smaller end
            if abs(alt[0][1]) < abs(alt[-1][1]):
                alt.pop(0)
            else:
                alt.pop()
        if len(alt) < n + 1:
            break
        ref = [x for x, _ in alt]
        emax = max(abs(e) for _, e in alt)
        emin = min(abs(e) for _, e in alt)
        if emax / emin < 1 + mp.mpf("1e-6"):
            break
    return c, max(abs(e) for e in es)


def f32(x):
    """x rounded to the nearest f32."""
    import struct
    return mp.mpf(struct.unpack("f", struct.pack("f", float(x)))[0])


def show_f32(name, c):
    import struct
    bits = struct.unpack("I", struct.pack("f", float(c)))[0]
    print("    %-4s = %-14s = %-22s /* bits 0x%08x */"
          % (name, float(f32(c)).hex().replace("0000000p", "p").replace("000p", "p") + "f",
             repr(float(f32(c))), bits))


def fit_exp():
    a, b = -mp.log(2) / 2, mp.log(2) / 2
    basis = [lambda r, k=k: r ** k for k in range(2, 7)]
    c, e = remez(lambda r: mp.exp(r) - 1 - r, basis, lambda r: 1 / mp.exp(r), a, b)
    cr = [f32(x) for x in c]
    xs = [a + (b - a) * mp.mpf(i) / 20000 for i in range(20001)]
    er = max(abs((1 + r + sum(ck * r ** (k + 2) for k, ck in enumerate(cr))) / mp.exp(r) - 1) for r in xs)
    print("exp (f32): e^r ~ 1 + r + c2 r^2 + ... + c6 r^6 on |r| <= ln2/2")
    print("  minimax relative error %s; with f32 coefficients %s (2^%.1f)"
          % (mp.nstr(e, 3), mp.nstr(er, 3), float(mp.log(er, 2))))
    for k, ck in enumerate(c):
        show_f32("c%d" % (k + 2), ck)


T_MAX = mp.mpf("11.5")


def fit_erfc(deg=12):
    u_lo, u_hi = 2 / (2 + T_MAX), mp.mpf(1)
    mid, half = (u_lo + u_hi) / 2, (u_hi - u_lo) / 2

    def M(w):
        u = mid + half * w
        t = 2 / u - 2
        return mp.log(mp.erfc(t) * mp.exp(t * t) / u)

    basis = [lambda w, k=k: w ** k for k in range(deg + 1)]
    c, e = remez(M, basis, lambda w: 1, mp.mpf(-1), mp.mpf(1), grid=3000)
    print("erfc (f64): erfc(t) = u exp(-t^2 + M(u)), u = 2/(2+t), t in [0, %s]" % T_MAX)
    print("  M(u) = sum m_k w^k, w = (u - U_MID) / U_HALF, degree %d" % deg)
    print("  minimax absolute error of M (= relative error of erfc): %s (2^%.1f)"
          % (mp.nstr(e, 3), float(mp.log(e, 2))))
    print("  U_MID = %s, U_HALF = %s" % (repr(float(mid)), repr(float(half))))
    for k, ck in enumerate(c):
        print("    m%-2d = %s," % (k, repr(float(ck))))
    # the coefficients as f64, evaluated by Horner in f64 as the C code does
    worst = 0
    for i in range(3001):
        w = -1 + 2 * mp.mpf(i) / 3000
        wf = float(w)
        acc = 0.0
        for ck in reversed(c):
            acc = acc * wf + float(ck)
        worst = max(worst, abs(mp.mpf(acc) - M(w)))
    print("  error of the f64 evaluation: %s" % mp.nstr(worst, 3))


if __name__ == "__main__":
    fit_exp()
    fit_erfc()
