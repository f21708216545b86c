#!/bin/sh
# Times our depmod against kmod's on a generated tree of N modules (default 10,000) and prints the ratio of the
# whole-process wall times (ours / kmod's; below 1.0 means we are faster). Each tool runs RUNS times (default 5)
# on its own copy of the tree; the best time of each counts. Checks that both wrote the same modules.dep.
#   scripts/bench-depmod.sh [N] [RUNS]
# Needs: a build (mvn -q package -DskipTests), the test classes (mvn -q test-compile), kmod at /usr/bin/kmod.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
runs=${2:-5}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
[ -x /usr/bin/kmod ] || { echo "bench-depmod: kmod is not installed at /usr/bin/kmod" >&2; exit 2; }
[ -d "$here/modprobe/target/test-classes/modkit/depmod" ] || { echo "bench-depmod: run 'mvn -q test-compile' first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/cfg"
ln -s /usr/bin/kmod "$work/bin/depmod"
cp="$here/modprobe/target/test-classes:$here/cli/target/lib/*"
"$java" --sun-misc-unsafe-memory-access=allow -cp "$cp" modkit.depmod.SyntheticTree "$work/kmod" "$n" 1
cp -r "$work/kmod" "$work/ours"
v=6.1.0-syn
now() { date +%s.%N; }
best() { # best of $runs wall times of "$@"
  b=
  i=0
  while [ $i -lt "$runs" ]; do
    t0=$(now); "$@" >/dev/null; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}
k=$(best "$work/bin/depmod" -C "$work/cfg" -b "$work/kmod" $v)
o=$(best "$here/bin/depmod" -b "$work/ours" $v)
cmp -s "$work/kmod/lib/modules/$v/modules.dep" "$work/ours/lib/modules/$v/modules.dep" \
  || { echo "bench-depmod: modules.dep differs from kmod's" >&2; exit 1; }
printf 'modules: %s  kmod depmod: %.3f s  modkit depmod: %.3f s  ratio (modkit/kmod): %.2f\n' \
  "$n" "$k" "$o" "$(echo "$o / $k" | bc -l)"
