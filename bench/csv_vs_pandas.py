#!/usr/bin/python3
"""bench/csv_vs_pandas.py — nabla's CSV loading beside pandas.read_csv.

Writes the seeded 1,000,000 x 20 numeric CSV once with `nabla-bench csv
--keep`, which also reports nabla's time and peak memory, then loads the
same file with pandas (Debian's python3-pandas) in a fresh child process,
best of three, and prints both and their ratio.

usage: /usr/bin/python3 bench/csv_vs_pandas.py [BUILD_DIR] [--rows N]
"""
import os
import re
import subprocess
import sys
import tempfile

CHILD = r"""
import resource, sys, time
import pandas as pd
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1])
t1 = time.perf_counter()
assert df.shape[0] > 0
print(t1 - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def main():
    args = sys.argv[1:]
    rows = "1000000"
    if "--rows" in args:
        i = args.index("--rows")
        rows = args[i + 1]
        del args[i:i + 2]
    build = args[0] if args else "build"
    bench = os.path.join(build, "bench", "nabla-bench")
    with tempfile.TemporaryDirectory(prefix="nabla-csv-") as tmp:
        path = os.path.join(tmp, "data.csv")
        out = subprocess.run([bench, "csv", "--rows", rows, "--keep", path],
                             check=True, capture_output=True, text=True).stdout
        print(out, end="")
        nb_s = float(re.search(r"file: ([0-9.]+) s", out).group(1))
        nb_mb = float(re.search(r"csv peak RSS: ([0-9.]+) MB", out).group(1))
        runs = []
        for _ in range(3):
            r = subprocess.run(["/usr/bin/python3", "-c", CHILD, path],
                               check=True, capture_output=True, text=True).stdout.split()
            runs.append((float(r[0]), float(r[1])))
        pd_s = min(t for t, _ in runs)
        pd_mb = max(m for _, m in runs) / 1e6
        n = int(rows)
        print(f"pandas read_csv: {pd_s:.3f} s, {n / pd_s:.0f} rows/s, peak RSS {pd_mb:.1f} MB")
        print(f"nabla / pandas: {pd_s / nb_s:.2f}x the speed (>1 is faster), "
              f"{nb_mb / pd_mb:.2f}x the peak memory")


if __name__ == "__main__":
    main()
