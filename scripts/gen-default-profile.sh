#!/bin/sh
# Regenerates the embedded default kernel profile (Debian 6.1.0-56-amd64) from the corpus:
# System.map and Module.symvers from ../shared/corpus/amd64-6.1, the config from ../shared/kernels/amd64-6.1.0-56
# (Debian's own file, the same as linux-headers-6.1.0-56-amd64's .config), and the kernel's built-in trusted
# certificate (the key Debian's modules are signed with) from ../shared/kernels' vmlinuz.
# What the files do not show is set from what the real kernel showed, booted nokaslr in qemu:
#   MODKIT_MODULE_AREA_RESERVED=0x201000: the first module lands at 0xffffffffc0201000, 2 MiB and a guard page past
#   the start of the module area, also with no module loaded before it (StateAgreementTest).
# The output is committed; building modkit never runs this.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${MODKIT_CORPUS:-$top/../shared/corpus}/amd64-6.1
kernel=${MODKIT_CORPUS:-$top/../shared/corpus}/../kernels/amd64-6.1.0-56
config=$kernel/config-6.1.0-56-amd64
[ -f "$config" ] || { echo "need $config (../shared/kernels)" >&2; exit 1; }
out=$top/kernel/src/main/resources/modkit/kernel/default.profile.gz
mkdir -p "$(dirname "$out")"
"$top/bin/modkit" profile import \
  --system-map "$corpus/System.map-6.1.0-56-amd64.gz" \
  --symvers "$corpus/Module.symvers.gz" \
  --config "$config" \
  --vmlinuz "$kernel/vmlinuz-6.1.0-56-amd64" \
  --release 6.1.0-56-amd64 \
  --set MODKIT_MODULE_AREA_RESERVED=0x201000 \
  -o "$out.tmp.gz"
# gzip output is not byte-stable across runs (mtime); keep the old file when the content is the same.
if [ -f "$out" ] && [ "$(gzip -dc "$out" | sha256sum)" = "$(gzip -dc "$out.tmp.gz" | sha256sum)" ]; then
  rm "$out.tmp.gz"; echo "unchanged: $out"
else
  mv "$out.tmp.gz" "$out"; echo "wrote $out"
fi
