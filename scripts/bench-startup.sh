#!/bin/sh
# Start-up and footprint of every command, whole process, side by side with kmod's where kmod has the command:
# each pair runs in turn (ours, kmod's, ours, ...), RUNS times (default 11); the medians of wall time and peak RSS
# are printed, with the ratio ours/kmod. insmod, rmmod and the sim views have no kmod counterpart that can run
# here without changing the host's kernel: their row shows our figures only, against the goal (50 ms).
#
#   scripts/bench-startup.sh [RUNS] [--tree DIR [--tree-runs N]]
#
# The sample tree is testdata/objects/x86_64's modules under a temporary /lib/modules/6.1.0-56-amd64 with kmod's
# modules.dep. With --tree DIR (a whole /lib/modules/RELEASE, e.g. Debian's, see the README), depmod also runs on
# that tree (N pairs, default 5), reporting time and peak memory against kmod's.
# Each command runs first in a JVM of its own (MODKIT_SERVER=0), then, if the build made cli/target/modkit-client,
# again through the resident server (modkit server start, in a private socket directory of the run's own): there
# the time is the client's whole process and the peak memory is the server's (its peak RSS counted afresh for each
# run, through /proc/PID/clear_refs), the process that did the work. MODKIT_SERVER=1 there, so that depmod over the
# whole tree goes to the server too (by default the launcher runs a tree of 500 modules or more in its own JVM).
# Needs: a build (mvn -q package -DskipTests), kmod (/usr/bin/kmod), GNU time (/usr/bin/time).
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
runs=11
tree=
tree_runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --tree) tree=$(cd "$2" && pwd); shift 2 ;;
    --tree-runs) tree_runs=$2; shift 2 ;;
    *) runs=$1; shift ;;
  esac
done
for need in /usr/bin/kmod /usr/bin/time "$here/cli/target/modkit.jar"; do
  [ -e "$need" ] || { echo "bench-startup: $need is missing (kmod, GNU time, or a build: mvn -q package -DskipTests)" >&2; exit 2; }
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
v=6.1.0-56-amd64
mkdir -p "$work/root/lib/modules/$v/extra" "$work/bin"
cp "$here"/testdata/objects/x86_64/*.ko "$work/root/lib/modules/$v/extra/"
touch "$work/root/lib/modules/$v/modules.order" "$work/root/lib/modules/$v/modules.builtin" \
  "$work/root/lib/modules/$v/modules.builtin.modinfo"
# (kmod is multi-call by the name it is started as)
for t in lsmod modinfo modprobe depmod; do ln -s /usr/bin/kmod "$work/bin/$t"; done
"$work/bin/depmod" -b "$work/root" "$v"
export MODKIT_ROOT="$work/state"
export MODKIT_SERVER=0
export XDG_RUNTIME_DIR="$work/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
srv_pid=
"$here/bin/modkit" sim boot >/dev/null
"$here/bin/insmod" "$here/testdata/objects/x86_64/mk_exporter.ko"
ko="$here/testdata/objects/x86_64/mk_params.ko"

# one RUN: "wall_seconds peak_kib" of a command, its output thrown away
measure() {
  t0=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || :
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000 )) $(tail -1 "$work/rss")"
}
# the same for one of ours: under the server, its peak memory is the server's, counted from the run's start
measure_ours() {
  [ -z "$srv_pid" ] && { measure "$@"; return; }
  echo 5 >"/proc/$srv_pid/clear_refs"
  r=$(measure "$@")
  echo "${r% *} $(awk '/^VmHWM:/ { print $2 }' "/proc/$srv_pid/status")"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

printf '%-34s %10s %10s %7s %10s %10s %7s %s\n' command "modkit ms" "kmod ms" ratio "modkit MiB" "kmod MiB" ratio "<= 50 ms"
# row NAME RUNS -- OURS... [-- KMOD...]
row() {
  name=$1; n=$2; shift 3
  ours=""; theirs=""
  while [ $# -gt 0 ] && [ "$1" != -- ]; do ours="$ours '$1'"; shift; done
  [ "$1" = -- ] && { shift; for a in "$@"; do theirs="$theirs '$a'"; done; }
  : >"$work/o"; : >"$work/k"
  i=0
  while [ $i -lt "$n" ]; do
    eval "measure_ours $ours" >>"$work/o"
    [ -n "$theirs" ] && eval "measure $theirs" >>"$work/k"
    i=$((i + 1))
  done
  ot=$(cut -d' ' -f1 "$work/o" | median); om=$(cut -d' ' -f2 "$work/o" | median)
  if [ -n "$theirs" ]; then
    kt=$(cut -d' ' -f1 "$work/k" | median); km=$(cut -d' ' -f2 "$work/k" | median)
    awk -v n="$name" -v ot="$ot" -v kt="$kt" -v om="$om" -v km="$km" 'BEGIN {
      printf "%-34s %10.1f %10.1f %7.2f %10.1f %10.1f %7.2f %s\n", n, ot/1000, kt/1000, ot/kt, om/1024, km/1024, om/km, (ot <= 50000 ? "yes" : "no") }'
  else
    awk -v n="$name" -v ot="$ot" -v om="$om" 'BEGIN {
      printf "%-34s %10.1f %10s %7s %10.1f %10s %7s %s\n", n, ot/1000, "-", "-", om/1024, "-", "-", (ot <= 50000 ? "yes" : "no") }'
  fi
}

# Every short command; $as names the way they run.
short_rows() {
  row "lsmod$as" "$runs" -- "$here/bin/lsmod" -- "$work/bin/lsmod"
  row "modinfo mk_params.ko$as" "$runs" -- "$here/bin/modinfo" "$ko" -- "$work/bin/modinfo" "$ko"
  row "modprobe --show-depends$as" "$runs" -- "$here/bin/modprobe" -d "$work/root" -S "$v" --show-depends mk_params \
    -- "$work/bin/modprobe" -d "$work/root" -S "$v" --show-depends mk_params
  rm -rf "$work/root-k"
  cp -r "$work/root" "$work/root-k"
  row "depmod (9 sample modules)$as" "$runs" -- "$here/bin/depmod" -b "$work/root" "$v" -- "$work/bin/depmod" -b "$work/root-k" "$v"
  row "modkit sim proc-modules$as" "$runs" -- "$here/bin/modkit" sim proc-modules
  row "modkit sim tainted$as" "$runs" -- "$here/bin/modkit" sim tainted
  # insmod and rmmod alternate, so that each finds the state it needs
  : >"$work/ins"; : >"$work/rm"
  i=0
  while [ $i -lt "$runs" ]; do
    measure_ours "$here/bin/insmod" "$ko" >>"$work/ins"
    measure_ours "$here/bin/rmmod" mk_params >>"$work/rm"
    i=$((i + 1))
  done
  for f in ins rm; do
    name=$([ $f = ins ] && echo "insmod mk_params.ko$as" || echo "rmmod mk_params$as")
    ot=$(cut -d' ' -f1 "$work/$f" | median); om=$(cut -d' ' -f2 "$work/$f" | median)
    awk -v n="$name" -v ot="$ot" -v om="$om" 'BEGIN {
      printf "%-34s %10.1f %10s %7s %10.1f %10s %7s %s\n", n, ot/1000, "-", "-", om/1024, "-", "-", (ot <= 50000 ? "yes" : "no") }'
  done
}
as=
short_rows
# The JVM's own floor on this machine: a class that prints one line, same flags as the launcher's short commands.
cat >"$work/Hello.java" <<'EOF'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
EOF
"$JAVA_HOME/bin/javac" -d "$work" "$work/Hello.java"
row "(JVM floor: java Hello)" "$runs" -- "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:-UsePerfData -XX:TieredStopAtLevel=1 -cp "$work" Hello

tree_row() {
  n=$(find "$tree" -name '*.ko*' | wc -l)
  row "depmod ($n modules of $tv)$as" "$tree_runs" -- "$here/bin/depmod" -b "$work/ours-tree" "$tv" -- "$work/bin/depmod" -b "$work/kmod-tree" "$tv"
  for f in modules.dep modules.alias modules.symbols modules.dep.bin modules.alias.bin modules.symbols.bin; do
    cmp -s "$work/ours-tree/lib/modules/$tv/$f" "$work/kmod-tree/lib/modules/$tv/$f" || echo "bench-startup: $f differs from kmod's" >&2
  done
}
if [ -n "$tree" ]; then
  tv=$(basename "$tree")
  for t in ours kmod; do
    mkdir -p "$work/$t-tree/lib/modules"
    cp -al "$tree" "$work/$t-tree/lib/modules/$tv" 2>/dev/null || cp -a "$tree" "$work/$t-tree/lib/modules/$tv"
  done
  tree_row
fi

# The same through the resident server.
if [ -x "$here/cli/target/modkit-client" ]; then
  t0=$(date +%s%N)
  MODKIT_SERVER=1 "$here/bin/modkit" server start >/dev/null
  t1=$(date +%s%N)
  export MODKIT_SERVER=1
  srv_pid=$("$here/bin/modkit" server status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
  echo "through the resident server (started in $(( (t1 - t0) / 1000000 )) ms; MiB: the server's peak during each run):"
  as=" (server)"
  short_rows
  [ -n "$tree" ] && tree_row
  echo "server after all of these: $("$here/bin/modkit" server status | sed -n 's/.*, \([0-9.]* MiB resident\).*/\1/p')"
  "$here/bin/modkit" server stop >/dev/null
  srv_pid=
  export MODKIT_SERVER=0
fi
