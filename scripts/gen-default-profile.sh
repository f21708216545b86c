#!/bin/sh
# Regenerates the embedded default kernel profile (Debian 6.1.0-56-amd64) from the corpus:
# System.map and Module.symvers from ../shared/corpus/amd64-6.1, the config from Debian's
# linux-headers-6.1.0-56-amd64 (apt-get install linux-headers-6.1.0-56-amd64).
# The output is committed; building modkit never runs this.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${MODKIT_CORPUS:-$top/../shared/corpus}/amd64-6.1
config=/usr/src/linux-headers-6.1.0-56-amd64/.config
[ -f "$config" ] || { echo "need $config: apt-get install linux-headers-6.1.0-56-amd64" >&2; exit 1; }
out=$top/kernel/src/main/resources/modkit/kernel/default.profile.gz
mkdir -p "$(dirname "$out")"
"$top/bin/modkit" profile import \
  --system-map "$corpus/System.map-6.1.0-56-amd64.gz" \
  --symvers "$corpus/Module.symvers.gz" \
  --config "$config" \
  --release 6.1.0-56-amd64 \
  -o "$out.tmp.gz"
# gzip output is not byte-stable across runs (mtime); keep the old file when the content is the same.
if [ -f "$out" ] && [ "$(gzip -dc "$out" | sha256sum)" = "$(gzip -dc "$out.tmp.gz" | sha256sum)" ]; then
  rm "$out.tmp.gz"; echo "unchanged: $out"
else
  mv "$out.tmp.gz" "$out"; echo "wrote $out"
fi
