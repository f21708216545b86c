#!/bin/sh
# Regenerates testdata/modprobe/<scenario>/expected-stdout.txt and expected-exit.txt with kmod's own modprobe
# (kmod 30, Debian 12), run over the amd64 corpus laid out as a /lib/modules tree:
#   modprobe -C <scenario>/modprobe.d -d BASE -S 6.1.0-56-amd64 <args>
# <scenario>/args holds the arguments; <scenario>/config, if present, lists the -C paths (default modprobe.d).
# The temporary BASE directory is printed as BASEDIR. kmod reads the host's /proc/cmdline, so run this on a
# machine whose command line has no options for the corpus modules. ModprobeKmodScenarioTest compares modkit's
# output with these files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${MODKIT_CORPUS:-$here/../../../shared/corpus}/amd64-6.1
ver=6.1.0-56-amd64
base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
dir=$base/lib/modules/$ver
mkdir -p "$dir"
for f in kernel modules.order modules.builtin modules.builtin.modinfo; do ln -s "$corpus/$f" "$dir/$f"; done
for f in "$corpus"/expected-kmod/modules.*; do ln -s "$f" "$dir/"; done
for s in "$here"/*/; do
  s=${s%/}
  cfg=""
  for c in $(cat "$s/config" 2>/dev/null || echo modprobe.d); do cfg="$cfg -C $s/$c"; done
  rc=0
  # shellcheck disable=SC2046,SC2086
  /sbin/modprobe $cfg -d "$base" -S "$ver" $(cat "$s/args") > "$s/expected-stdout.txt" 2>/dev/null || rc=$?
  sed -i "s#$base#BASEDIR#g" "$s/expected-stdout.txt"
  echo "$rc" > "$s/expected-exit.txt"
  echo "$(basename "$s"): exit $rc, $(wc -l < "$s/expected-stdout.txt") lines"
done
