#!/usr/bin/env python3
"""Search benchmark: linju's index against Pagefind's, side by side in one run.

    bench/search.py [PAGES]          (default 10000; needs ../shared/bench/)

Builds the generated corpus with linju (with and without `search`), runs
Pagefind (PyPI `pagefind[extended]`, which segments Chinese) over the same
HTML, and measures: indexing time (linju: what search adds to the build),
index bytes, bytes fetched in headless Chromium for the first query (library
included) and each next one, and recall and precision on a query set made
from the corpus's own text. Environment: BENCH (work dir, default
/tmp/linju-bench), RUNS (timing runs, default 3), SKIP_PAGEFIND=1 (linju only,
for the 100,000-page run).
"""
import gzip
import html
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED", HERE.parent / "shared"))
BENCH = Path(os.environ.get("BENCH", "/tmp/linju-bench"))
RUNS = int(os.environ.get("RUNS", "3"))
# Community pages are left out of the comparison: their text is mostly the
# cards they list, which neither tool should answer for.
SECTIONS = ["strivers", "families", "events", "stations"]


def sh(*args, **kw):
    return subprocess.run(args, check=True, **kw)


def setup(pages):
    site = BENCH / f"linju-{pages}"
    if not site.exists():
        sh("sh", str(SHARED / "bench/prepare.sh"), str(pages), str(BENCH))
    off = BENCH / f"linju-{pages}-nosearch"
    if not off.exists():
        shutil.copytree(site, off)
        with open(off / "linju.yaml", "a") as f:
            f.write("\nsearch: false\n")
    venv = BENCH / "venv"
    if not (venv / "bin/pip").exists():
        sh(sys.executable, "-m", "venv", str(venv))
    if not list(venv.glob("lib/python3*/site-packages/pagefind_bin_extended")):
        sh(str(venv / "bin/pip"), "install", "-q", "pagefind[extended]", "pypinyin")
    node = BENCH / "node"
    if not (node / "node_modules/playwright-core").exists():
        node.mkdir(exist_ok=True)
        sh("npm", "i", "-s", "-E", "playwright-core@1.48.2", cwd=node)
    sh("cargo", "build", "--release", "-q", cwd=HERE)
    pagefind = next(venv.glob("lib/python3*/site-packages/pagefind_bin_extended/pagefind_extended"))
    return site, off, pagefind


def timed(cmd):
    # Let the last build's set-aside site be removed and the disk settle, so
    # one run's background work does not land in the next one's time.
    os.sync()
    time.sleep(3)
    start = time.perf_counter()
    sh(*cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def pagefind_cmd(pagefind, out):
    glob = "{" + ",".join(SECTIONS) + "}/*/index.html"
    return [str(pagefind), "--site", str(out), "--glob", glob, "--root-selector", "main", "--quiet"]


def measure_times(site, off, pagefind, pages, with_pagefind):
    linju = str(HERE / "target/release/linju")
    out_on, out_off = BENCH / f"sb-on-{pages}", BENCH / f"sb-off-{pages}"
    on, off_t, pf = [], [], []
    for run in range(RUNS + 1):  # the first round warms the caches
        a = timed([linju, "build", "--root", str(site), "--output", str(out_on)])
        b = timed([linju, "build", "--root", str(off), "--output", str(out_off)])
        if run:
            on.append(a)
            off_t.append(b)
    if with_pagefind:
        for _ in range(max(1, RUNS - 1)):
            shutil.rmtree(out_off / "pagefind", ignore_errors=True)
            pf.append(timed(pagefind_cmd(pagefind, out_off)))
    return out_on, out_off, on, off_t, pf


def tree_bytes(root):
    return sum(p.stat().st_size for p in Path(root).rglob("*") if p.is_file())


def main_text(path):
    text = path.read_text(encoding="utf-8")
    m = re.search(r"<main[^>]*>(.*)</main>", text, re.S)
    body = m.group(1) if m else text
    body = re.sub(r"<[^>]+>", " ", body)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    return normalise(html.unescape(body)), normalise(html.unescape(re.sub(r"<[^>]+>", "", h1.group(1)) if h1 else ""))


def normalise(text):
    out = []
    for c in text:
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        out.append(c.lower())
    return "".join(out)


def content_pages(out):
    pages = {}
    for section in SECTIONS:
        for f in sorted((out / section).glob("*/index.html")):
            if f.parent.name == "page":
                continue
            pages[f"/{section}/{f.parent.name}/"] = main_text(f)
    return pages


def digits(text):
    return re.sub(r"[\s\-]", "", text)


def relevant(pages, q):
    if q["kind"] in ("pinyin", "initials"):
        return {u for u, (_, h1) in pages.items() if q["name"] in h1}
    nq = normalise(q["query"])
    if q["kind"] == "digits":
        return {u for u, (body, _) in pages.items() if digits(nq) in digits(body)}
    return {u for u, (body, _) in pages.items() if nq in body}


def make_queries(pages):
    """At least 30 queries from the corpus's own text, each found on 1 to 1500 pages."""
    names = []
    for url, (_, h1) in pages.items():
        m = re.match(r"身边的奋斗者\|(\S{2,3}):", h1)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    names = names[:6]
    queries = [{"kind": "name", "query": n} for n in names]
    # What a resident types: pypinyin's readings, not linju's own table.
    pinyin = json.loads(subprocess.run(
        [str(BENCH / "venv/bin/python"), "-c",
         "import sys,json;from pypinyin import lazy_pinyin as p;"
         "print(json.dumps({n:[''.join(p(n)),''.join(x[0] for x in p(n))] for n in sys.argv[1:]}))", *names[:3]],
        capture_output=True, text=True, check=True).stdout)
    for name in names[:3]:
        queries.append({"kind": "pinyin", "query": pinyin[name][0], "name": name})
        queries.append({"kind": "initials", "query": pinyin[name][1], "name": name})
    words = ["电梯", "血压", "台账", "春联", "剪纸", "义诊", "楼道", "粽子",
             "好邻居公约", "红色管家服务队", "整理社区台账", "测量血压", "雨污分流", "宠物文明饲养公约",
             "理发义剪", "助餐送餐", "心理疏导", "老年大学课程",
             "滨河路", "人民路", "学府路", "幸福大街", "综合楼二层"]
    queries += [{"kind": "words", "query": w} for w in words]
    body_numbers = sorted({m for _, (b, _) in list(pages.items())[:400] for m in re.findall(r"\d{3}号", b)})[:2]
    queries += [{"kind": "words", "query": n} for n in body_numbers]
    phones = sorted({m for _, (b, _) in pages.items() for m in re.findall(r"\d{4}-\d{8}", b)})[:2]
    for p in phones:
        queries.append({"kind": "digits", "query": p})
        queries.append({"kind": "digits", "query": p.replace("-", "")})
        queries.append({"kind": "digits", "query": p.split("-")[1]})
    hours = sorted({m for _, (b, _) in pages.items() for m in re.findall(r"\d{1,2}:\d{2}-\d{1,2}:\d{2}", b)})[:1]
    queries += [{"kind": "digits", "query": h} for h in hours]
    kept = []
    for q in queries:
        q["relevant"] = sorted(relevant(pages, q))
        if 1 <= len(q["relevant"]) <= 1500:
            kept.append(q)
    return kept


class Counting(http.server.SimpleHTTPRequestHandler):
    """Counts the bytes it sends, and what they would be from a server that
    gzips responses (nginx `gzip on`; Pagefind's files are gzipped already,
    so for it the two are close)."""
    sent = 0
    gzipped = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/__bytes"):
            body = f"{Counting.sent} {Counting.gzipped}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def copyfile(self, source, outputfile):
        data = source.read()
        with Counting.lock:
            Counting.sent += len(data)
            Counting.gzipped += len(gzip.compress(data, 6))
        outputfile.write(data)


def browse(tool, out, queries, port):
    handler = lambda *a, **kw: Counting(*a, directory=str(out), **kw)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (out / "bench-blank.html").write_text("<!DOCTYPE html><title>bench</title>")
    qfile = BENCH / "queries.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False))
    env = dict(os.environ, NODE_PATH=str(BENCH / "node/node_modules"))
    done = subprocess.run(["node", str(HERE / "bench/search_browser.js"), tool, str(port), str(qfile)],
                          capture_output=True, text=True, env=env)
    server.shutdown()
    if done.returncode:
        sys.exit(f"{tool}: {done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def score(queries, rows):
    by_kind = {}
    for q, row in zip(queries, rows):
        row["urls"] = [u for u in row["urls"] if u.split("/")[1] in SECTIONS]
        want, got = set(q["relevant"]), set(row["urls"])
        hit = len(want & got)
        recall = hit / len(want)
        precision = hit / len(got) if got else (1.0 if not want else 0.0)
        row.update(recall=recall, precision=precision, kind=q["kind"], relevant=len(want))
        by_kind.setdefault(q["kind"], []).append(row)
    return by_kind


def report(name, rows):
    first = rows[0]["bytes"]
    later = [r["bytes"] for r in rows[1:]]
    gz_first, gz_later = rows[0]["gzipped"], [r["gzipped"] for r in rows[1:]]
    rec = statistics.mean(r["recall"] for r in rows)
    prec = statistics.mean(r["precision"] for r in rows)
    two = [r["recall"] for r in rows if r["kind"] not in ("pinyin", "initials")]
    print(f"{name:9} first query {first/1024:7.1f} KB · next queries median {statistics.median(later)/1024:6.1f} KB, "
          f"max {max(later)/1024:6.1f} KB · recall {rec:6.1%} (characters and digits: {statistics.mean(two):6.1%}) "
          f"· precision {prec:6.1%}")
    print(f"{'':9} from a gzip server: first {gz_first/1024:7.1f} KB · next median {statistics.median(gz_later)/1024:6.1f} KB, "
          f"max {max(gz_later)/1024:6.1f} KB · all {len(rows)} queries {sum(r['gzipped'] for r in rows)/1024:7.1f} KB "
          f"(plain {sum(r['bytes'] for r in rows)/1024:7.1f} KB)")


def main():
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    with_pagefind = os.environ.get("SKIP_PAGEFIND") != "1"
    site, off, pagefind = setup(pages)
    out_on, out_off, on, off_t, pf = measure_times(site, off, pagefind, pages, with_pagefind)
    print(f"== {pages} pages, {RUNS} runs, medians")
    m_on, m_off = statistics.median(on), statistics.median(off_t)
    print(f"linju build without search {m_off:.2f} s, with search {m_on:.2f} s: search adds "
          f"{m_on - m_off:.2f} s ({(m_on - m_off) / m_off:.0%})")
    if with_pagefind:
        print(f"pagefind pass over the built HTML: {statistics.median(pf):.2f} s "
              f"({statistics.median(pf) / max(m_on - m_off, 1e-3):.0f}× what search adds to linju)")
        print(f"index bytes: linju {tree_bytes(out_on / 'search') / 1e6:.1f} MB, "
              f"pagefind {tree_bytes(out_off / 'pagefind') / 1e6:.1f} MB")
    else:
        print(f"index bytes: linju {tree_bytes(out_on / 'search') / 1e6:.1f} MB")
    queries = make_queries(content_pages(out_on))
    print(f"{len(queries)} queries")
    results = {"linju": browse("linju", out_on, queries, 8765)}
    if with_pagefind:
        shutil.rmtree(out_on / "pagefind", ignore_errors=True)
        shutil.copytree(out_off / "pagefind", out_on / "pagefind")
        results["pagefind"] = browse("pagefind", out_on, queries, 8766)
    for name, rows in results.items():
        score(queries, rows)
        report(name, rows)
    print("\nper query (relevant pages · found / recall / precision / bytes):")
    for i, q in enumerate(queries):
        cells = " | ".join(f"{n} {len(r[i]['urls']):5} {r[i]['recall']:4.0%} {r[i]['precision']:4.0%} {r[i]['bytes']/1024:6.1f} KB"
                           for n, r in results.items())
        print(f"  {q['kind']:8} {q['query']:16} {len(q['relevant']):5} · {cells}")
    (BENCH / f"search-{pages}.json").write_text(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
