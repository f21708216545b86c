#!/bin/sh
# Whole Debian module trees against modkit (issue 13): for each tree, downloads Debian's packages, imports a
# profile from the kernel's own System.map + Module.symvers + config, links every module (`modkit bench`), runs
# kmod's depmod and ours and compares every modules.* file byte for byte, then compares `modprobe --show-depends`
# of kmod and of modkit (stdout, stderr, exit code) for every module name, the builtin ones, the aliases without
# wildcards, a sample of modaliases and two unknown names.
#
#   scripts/bench-trees.sh [TREE...]      default: 6.1.0-56-amd64 6.1.0-56-686 6.12.118+deb12-amd64
#
# Environment: MODKIT_TREES cache directory (default /var/tmp/modkit-trees; about 1 GB once the -dbg packages,
# 0.8-1 GB each, are gone: only their System.map is kept); DEBIAN_SECURITY_MIRROR (default
# http://deb.debian.org/debian-security); BENCH_ROUNDS (default 3; the last pass is reported); SHOW_DEPENDS_IGNORE
# (a regular expression: a second count drops the stderr lines it matches). Needs: a build (mvn -q package
# -DskipTests), kmod (/usr/sbin/depmod, /usr/sbin/modprobe), curl, dpkg-deb; no root. Not part of `mvn verify`:
# it downloads 2.9 GB the first time and runs for about ten minutes.
# Exit 0 when every tree links with 0 failures and every comparison is identical, 1 otherwise.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
cache=${MODKIT_TREES:-/var/tmp/modkit-trees}
mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
rounds=${BENCH_ROUNDS:-3}
kdepmod=/usr/sbin/depmod
kmodprobe=/usr/sbin/modprobe
[ -x "$kdepmod" ] && [ -x "$kmodprobe" ] || { echo "bench-trees: kmod's depmod and modprobe are not in /usr/sbin" >&2; exit 2; }
[ -f "$here/cli/target/modkit.jar" ] || { echo "bench-trees: run 'mvn -q package -DskipTests' first" >&2; exit 2; }
[ $# -gt 0 ] || set -- 6.1.0-56-amd64 6.1.0-56-686 6.12.118+deb12-amd64

# The pool paths of a tree's image, headers and -dbg (System.map) packages, in the security archive.
debs() {
  case "$1" in
    6.1.0-56-amd64) echo "pool/updates/main/l/linux-signed-amd64/linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb
pool/updates/main/l/linux/linux-headers-6.1.0-56-amd64_6.1.192-2_amd64.deb
pool/updates/main/l/linux/linux-image-6.1.0-56-amd64-dbg_6.1.192-2_amd64.deb" ;;
    6.1.0-56-686) echo "pool/updates/main/l/linux-signed-i386/linux-image-6.1.0-56-686_6.1.192-2_i386.deb
pool/updates/main/l/linux/linux-headers-6.1.0-56-686_6.1.192-2_i386.deb
pool/updates/main/l/linux/linux-image-6.1.0-56-686-dbg_6.1.192-2_i386.deb" ;;
    6.12.118+deb12-amd64) echo "pool/updates/main/l/linux-signed-6.12-amd64/linux-image-6.12.118+deb12-amd64_6.12.118-1~deb12u1_amd64.deb
pool/updates/main/l/linux-6.12/linux-headers-6.12.118+deb12-amd64_6.12.118-1~deb12u1_amd64.deb
pool/updates/main/l/linux-6.12/linux-image-6.12.118+deb12-amd64-dbg_6.12.118-1~deb12u1_amd64.deb" ;;
    *) echo "bench-trees: unknown tree $1 (add its pool paths to debs())" >&2; exit 2 ;;
  esac
}

fetch() { # pool path -> file in the cache
  f="$cache/debs/${1##*/}"
  if [ ! -f "$f" ]; then
    curl -sSf -o "$f.part" "$mirror/$1" || { echo "bench-trees: cannot download $mirror/$1" >&2; exit 1; }
    mv "$f.part" "$f"
  fi
  echo "$f"
}

now() { date +%s.%N; }
mkdir -p "$cache/debs" "$cache/root" "$cache/maps" "$cache/profiles"
status=0
for v in "$@"; do
  # 1. The tree, its System.map (from the -dbg package: the image's /boot/System.map is a one-line stub),
  #    Module.symvers (headers) and config (image).
  set -- $(debs "$v")
  if [ ! -f "$cache/root/lib/modules/$v/modules.order" ] || [ ! -f "$cache/root/usr/src/linux-headers-$v/Module.symvers" ]; then
    dpkg-deb -x "$(fetch "$1")" "$cache/root"
    dpkg-deb -x "$(fetch "$2")" "$cache/root"
  fi
  if [ ! -f "$cache/maps/System.map-$v" ]; then
    dbg=$(fetch "$3")
    dpkg-deb --fsys-tarfile "$dbg" | tar -x -O "./usr/lib/debug/boot/System.map-$v" >"$cache/maps/System.map-$v.part"
    mv "$cache/maps/System.map-$v.part" "$cache/maps/System.map-$v"
    rm -f "$dbg"
  fi
  profile="$cache/profiles/$v.profile.gz"
  "$here/bin/modkit" profile import --system-map "$cache/maps/System.map-$v" \
    --symvers "$cache/root/usr/src/linux-headers-$v/Module.symvers" --config "$cache/root/boot/config-$v" \
    --release "$v" -o "$profile"

  # 2. depmod: kmod's and ours, each on its own copy (hard links: depmod replaces its files by rename).
  run="$cache/run/$v"
  rm -rf "$run"
  for t in kmod ours; do
    mkdir -p "$run/$t/lib/modules"
    cp -al "$cache/root/lib/modules/$v" "$run/$t/lib/modules/$v"
  done
  t0=$(now); "$kdepmod" -b "$run/kmod" "$v"; t1=$(now); "$here/bin/depmod" -b "$run/ours" "$v"; t2=$(now)
  same=0; differ=0; files=""
  for f in $( (cd "$run/kmod/lib/modules/$v" && ls; cd "$run/ours/lib/modules/$v" && ls) | grep '^modules\.' | sort -u); do
    if cmp -s "$run/kmod/lib/modules/$v/$f" "$run/ours/lib/modules/$v/$f"; then
      same=$((same + 1))
    elif [ "$f" = modules.weakdep ] && [ ! -e "$run/kmod/lib/modules/$v/$f" ]; then
      # kmod 34's file; kmod 30 (Debian's) writes none
      files="$files (modules.weakdep: kmod 34's, not written by this kmod)"
    else
      differ=$((differ + 1)); files="$files $f"; status=1
    fi
  done
  printf 'depmod %s: files identical %d  different %d%s  (kmod %.2f s, modkit %.2f s)\n' "$v" "$same" "$differ" \
    "${files:+ ($files )}" "$(echo "$t0 $t1" | awk '{ print $2 - $1 }')" "$(echo "$t1 $t2" | awk '{ print $2 - $1 }')"

  # 3. Link every module in modules.dep order (kmod's), against the imported profile.
  log="$cache/run/bench-$v.log"
  MODKIT_JAVA_OPTS=${MODKIT_JAVA_OPTS:--Xmx8g} "$here/bin/modkit" bench -v --rounds "$rounds" --kernel "$profile" \
    "$run/kmod/lib/modules/$v" >"$log" 2>&1 || status=1
  tail -n 1 "$log" | awk -v v="$v" '{ printf "bench %s: modules %s  linked %s  failed %s  warnings %s  kernels %s  seconds %s (last of the passes)\n", v, $2, $4, $6, $8, $10, $14 }'
  grep '^bench: ' "$log" | grep -v '^bench: warning' | head -n 20 || true

  # 4. modprobe --show-depends for every name. kmod reads the host's modprobe.d and /proc/cmdline whatever -d
  #    says; a copy of them under the root serves modkit whether its -d moves them or not.
  cmp="$run/kmod"
  mkdir -p "$cmp/etc/modprobe.d" "$cmp/lib/modprobe.d" "$cmp/proc" "$run/state"
  for d in /etc/modprobe.d /run/modprobe.d /usr/local/lib/modprobe.d /lib/modprobe.d; do
    [ -d "$d" ] && mkdir -p "$cmp$d" && cp -a "$d/." "$cmp$d/"
  done
  cat /proc/cmdline >"$cmp/proc/cmdline"
  m="$cmp/lib/modules/$v"
  {
    sed 's|.*/||; s|\.ko.*||; s|-|_|g' "$m/modules.order"
    sed 's|.*/||; s|\.ko.*||' "$m/modules.order" | grep -- - | awk 'NR % 10 == 1'  # some names as the files spell them
    sed 's|.*/||; s|\.ko.*||' "$m/modules.builtin"
    grep '^alias' "$m/modules.alias" | awk '{ print $2 }' | grep -v '[][*?]'
    grep '^alias' "$m/modules.alias" | awk '{ print $2 }' | grep '[*]' | grep -v '[][?]' | awk 'NR % 50 == 1' | sed 's/\*//g'
    cat "$cmp"/lib/modprobe.d/*.conf "$cmp"/etc/modprobe.d/*.conf 2>/dev/null | awk '$1 == "alias" { print $2 }'
    echo no_such_module
    echo no-such-alias:x
  } | awk '!seen[$0]++' >"$run/names"
  "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx2g \
    -cp "$here/cli/target/modkit.jar:$here/cli/target/lib/*" "$here/scripts/ShowDependsCompare.java" \
    "$kmodprobe" "$cmp" "$v" "$run/names" "$run/show-depends.diffs" "$run/state" ${SHOW_DEPENDS_IGNORE:+"$SHOW_DEPENDS_IGNORE"} \
    || status=1
done
echo "bench-trees: differences, if any, are in $cache/run/TREE/show-depends.diffs; bench errors in $cache/run/bench-TREE.log"
exit $status
