#!/bin/sh
# Times our depmod against kmod's, whole process (JVM start included), and prints the ratio of the wall times
# (ours / kmod's; below 1.0 means we are faster) and both peak RSS (GNU time's maximum resident set size). The two
# run in turn, RUNS times each (default 7), on their own copies of the tree; the median of each is reported, and
# the median of the per-pair ratios. Checks that both wrote the same modules.* files, byte for byte.
#
#   scripts/bench-depmod.sh [N] [RUNS]            a generated tree of N modules (default 10,000)
#   scripts/bench-depmod.sh --tree DIR [RUNS]     a real module tree: DIR is /lib/modules/RELEASE or a copy of it,
#                                                 e.g. Debian's (see the README's "Performance" for how to get one)
#
# Needs: a build (mvn -q package -DskipTests), kmod at /usr/bin/kmod, GNU time at /usr/bin/time, and for a
# generated tree the test classes (mvn -q test-compile).
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
[ -x /usr/bin/kmod ] || { echo "bench-depmod: kmod is not installed at /usr/bin/kmod" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-depmod: GNU time is not installed at /usr/bin/time" >&2; exit 2; }
[ -f "$here/cli/target/modkit.jar" ] || { echo "bench-depmod: run 'mvn -q package -DskipTests' first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/cfg"
ln -s /usr/bin/kmod "$work/bin/depmod"

if [ "$1" = --tree ]; then
  src=$(cd "$2" && pwd)
  runs=${3:-7}
  v=$(basename "$src")
  what="tree $src"
  for t in kmod ours; do
    mkdir -p "$work/$t/lib/modules"
    # Hard links where the file system allows: depmod replaces its index files by rename, never writes in place.
    cp -al "$src" "$work/$t/lib/modules/$v" 2>/dev/null || cp -a "$src" "$work/$t/lib/modules/$v"
  done
  n=$(find "$work/ours/lib/modules/$v" -name '*.ko*' | wc -l)
else
  n=${1:-10000}
  runs=${2:-7}
  v=6.1.0-syn
  what="generated tree"
  [ -d "$here/modprobe/target/test-classes/modkit/depmod" ] || { echo "bench-depmod: run 'mvn -q test-compile' first" >&2; exit 2; }
  "$java" --sun-misc-unsafe-memory-access=allow -cp "$here/modprobe/target/test-classes:$here/cli/target/lib/*" \
    modkit.depmod.SyntheticTree "$work/kmod" "$n" 1
  cp -r "$work/kmod" "$work/ours"
fi

now() { date +%s.%N; }
: >"$work/times"
i=0
while [ $i -lt "$runs" ]; do
  t0=$(now); /usr/bin/time -f %M -o "$work/kmod.rss" "$work/bin/depmod" -C "$work/cfg" -b "$work/kmod" "$v" >/dev/null
  t1=$(now); /usr/bin/time -f %M -o "$work/ours.rss" "$here/bin/depmod" -b "$work/ours" "$v" >/dev/null; t2=$(now)
  echo "$t0 $t1 $t2 $(tail -1 "$work/kmod.rss") $(tail -1 "$work/ours.rss")" |
    awk '{ k = $2 - $1; o = $3 - $2; printf "%.4f %.4f %.4f %d %d\n", k, o, o / k, $4, $5 }' >>"$work/times"
  i=$((i + 1))
done
for f in $(cd "$work/kmod/lib/modules/$v" && ls modules.*); do
  cmp -s "$work/kmod/lib/modules/$v/$f" "$work/ours/lib/modules/$v/$f" \
    || { echo "bench-depmod: $f differs from kmod's" >&2; exit 1; }
done
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
k=$(cut -d' ' -f1 "$work/times" | median)
o=$(cut -d' ' -f2 "$work/times" | median)
r=$(cut -d' ' -f3 "$work/times" | median)
km=$(cut -d' ' -f4 "$work/times" | median)
om=$(cut -d' ' -f5 "$work/times" | median)
printf '%s: %s modules, %s runs each  kmod depmod: %.3f s  modkit depmod: %.3f s  ratio (modkit/kmod, median of pairs): %.2f\n' \
  "$what" "$n" "$runs" "$k" "$o" "$r"
awk -v k="$km" -v o="$om" 'BEGIN { printf "peak RSS (median)  kmod depmod: %.1f MiB  modkit depmod: %.1f MiB\n", k / 1024, o / 1024 }'
