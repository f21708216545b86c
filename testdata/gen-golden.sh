#!/bin/sh
# Regenerate testdata/golden/<arch>/<module>.{golden,map.json}.
#
# For each object below: modkit computes ONLY the placement (insmod -n
# --map-json), then gen-golden.py links the object with GNU ld at exactly
# those addresses and records ld's bytes. The expected bytes therefore never
# come from modkit's relocation code. CI does not run this; the goldens are
# committed. Rerun it after changing an object or modkit's layout, and review
# the diff.
#
#   testdata/gen-golden.sh [NAME...]      (default: every case below)
#
# Env: MODKIT (default: ../bin/modkit), PYTHON (default: python3),
#      Cases marked IMPORT load mk_exporter into their fresh kernel first.
# Needs: binutils, binutils-i686-linux-gnu, binutils-m68k-linux-gnu, python3, a built bin/modkit.
set -u

here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 1
MODKIT=${MODKIT:-$here/../bin/modkit}
PYTHON=${PYTHON:-python3}

# name  object  profile ("-" = modkit's default profile, no --kernel)  extra args
cases='
mk_params       objects/x86_64/mk_params.ko       -                         -
mk_exporter     objects/x86_64/mk_exporter.ko     -                         -
mk_importer     objects/x86_64/mk_importer.ko     -                         IMPORT
mk_nsimport     objects/x86_64/mk_nsimport.ko     -                         IMPORT
mk_jumptable    objects/x86_64/mk_jumptable.ko    -                         -
mk_strings      objects/x86_64/mk_strings.ko      -                         -
mk_failinit     objects/x86_64/mk_failinit.ko     -                         -
relocs-x86_64   objects/x86_64/relocs.o           profiles/x86_64-test.profile -
relocs-i386     objects/i386/relocs.o             profiles/i386-test.profile   -
relocs-m68k     objects/m68k/relocs.o             profiles/m68k-test.profile   -
mk_calls        objects/m68k/mk_calls.o           profiles/m68k-test.profile   -
'
# Deliberately not here (a loader must refuse them, so there is no image):
# mk_nsmissing, mk_proprietary, objects/x86_64/bad-*.o, objects/i386/bad-*.o, objects/m68k/bad-*.o

[ -x "$MODKIT" ] || { echo "error: $MODKIT not found or not executable (build modkit first, or set MODKIT)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modkit-gen-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

ok=0; failed=''
echo "$cases" | while read -r name obj profile extra; do
	[ -n "$name" ] || continue
	echo "$name"
done > "$tmp/all"
selected=${*:-$(cat "$tmp/all")}

for want in $selected; do
	line=$(echo "$cases" | awk -v n="$want" '$1 == n')
	[ -n "$line" ] || { echo "error: unknown case $want" >&2; failed="$failed $want"; continue; }
	set -- $line
	name=$1; obj=$2; profile=$3; extra=$4
	map="$tmp/$name.map.json"
	# Each case links against a freshly booted kernel, so addresses do not depend on earlier runs.
	root="$tmp/root-$name"
	if [ "$extra" = IMPORT ]; then
		"$MODKIT" insmod --root "$root" objects/x86_64/mk_exporter.ko || { failed="$failed $name"; continue; }
	fi
	set -- "$MODKIT" insmod -n --root "$root" --map-json "$map"
	[ "$profile" = - ] || set -- "$@" --kernel "$profile"
	set -- "$@" "$obj"
	echo "== $name"
	echo "+ $*"
	if ! "$@"; then
		echo "   FAILED: modkit could not place $obj" >&2
		failed="$failed $name"; continue
	fi
	echo "+ $PYTHON gen-golden.py $obj $map"
	if ! "$PYTHON" "$here/gen-golden.py" "$obj" "$map"; then
		failed="$failed $name"; continue
	fi
	ok=$((ok + 1))
done

echo "done: $ok generated${failed:+, failed:$failed}"
[ -z "$failed" ]
