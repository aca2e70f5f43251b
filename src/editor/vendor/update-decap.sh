#!/usr/bin/env bash
# Refreshes the vendored Decap CMS (the editor `linju serve` offers at /admin/)
# from its npm package: the built bundle and its lazily loaded chunks, each
# gzip-compressed (served as they are, with Content-Encoding: gzip), and its
# licences. Run from anywhere: src/editor/vendor/update-decap.sh [VERSION]
set -euo pipefail
version=${1:-3.16.3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
(cd "$work" && npm pack "decap-cms@$version" --silent > /dev/null && tar xzf "decap-cms-$version.tgz")
target="$here/decap-cms"
rm -rf "$target"
mkdir -p "$target"
for file in "$work"/package/dist/decap-cms.js "$work"/package/dist/*.decap-cms.js "$work"/package/dist/*.wasm; do
  gzip -9 -n -c "$file" > "$target/$(basename "$file").gz"
done
cp "$work/package/dist/decap-cms.js.LICENSE.txt" "$target/"
echo "$version" > "$target/VERSION"
rm -rf "$work"
echo "Decap CMS $version vendored into $target ($(du -sh "$target" | cut -f1))"
