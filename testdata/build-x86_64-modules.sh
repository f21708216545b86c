#!/bin/sh
# Build the x86_64 sample kernel modules (testdata/samples/x86_64/kbuild) with
# kbuild against the Debian 6.1 headers and copy the .ko files to
# testdata/objects/x86_64/. Idempotent: builds in a temporary copy, so the
# source directory never gets build artefacts.
#
#   testdata/build-x86_64-modules.sh [KDIR]
#   COPY="mk_percpu" testdata/build-x86_64-modules.sh    (build all, copy only these: the others keep their bytes)
#
# Needs (Debian 12): gcc-12 make linux-headers-6.1.0-56-amd64
#
# Two deliberate violations would make modpost refuse the build, and in 6.1
# KBUILD_MODPOST_WARN=1 only downgrades *unresolved* symbols, not these:
#   mk_nsmissing   uses mk_ns_sub (namespace MODKIT_TEST) without importing it
#                  -> ERROR "... does not import it."
#   mk_proprietary licence "Proprietary" uses GPL-only vmlinux export ktime_get
#                  -> ERROR "GPL-incompatible module ... uses GPL-only symbol"
#                     (fatal: modpost then writes no mk_proprietary.mod.c)
# So modpost is run through a small wrapper (make MODPOST=...) that adds -N
# (what CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS does) and gives modpost
# a copy of the kernel's Module.symvers in which ONLY ktime_get is listed as
# EXPORT_SYMBOL instead of EXPORT_SYMBOL_GPL. The CRC is unchanged, so the
# generated .mod.c (__versions, modinfo) is exactly what modpost would write
# if it let the module through. The .ko keeps license=Proprietary and its
# undefined reference to ktime_get; a loader must reject it.
#
# KCFLAGS=-g0: the Debian kernel config has CONFIG_DEBUG_INFO=y, which makes
# each .ko ~110-200 KiB of DWARF; -g0 keeps them at 6-15 KiB (like the
# debug-stripped modules Debian ships). Nothing is stripped afterwards.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src="$here/samples/x86_64/kbuild"
out="$here/objects/x86_64"
kdir=${1:-${KDIR:-/usr/src/linux-headers-6.1.0-56-amd64}}
modules="mk_params mk_exporter mk_importer mk_nsimport mk_nsmissing mk_jumptable mk_strings mk_failinit mk_proprietary mk_percpu"
relaxed_gpl_symbol=ktime_get

[ -f "$kdir/Makefile" ] || { echo "error: kernel build dir $kdir not found (apt-get install linux-headers-6.1.0-56-amd64)" >&2; exit 1; }
[ -f "$kdir/Module.symvers" ] || { echo "error: $kdir/Module.symvers missing" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/modkit-kbuild.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/src" "$tmp/tools"
cp "$src"/Kbuild "$src"/*.c "$tmp/src/"

# Module.symvers with the one GPL-only symbol turned into a plain export.
awk -F'\t' -v OFS='\t' -v s="$relaxed_gpl_symbol" \
	'$2 == s && $3 == "vmlinux" { $4 = "EXPORT_SYMBOL"; n++ } { print } END { if (n != 1) exit 1 }' \
	"$kdir/Module.symvers" > "$tmp/tools/vmlinux-relaxed.symvers" \
	|| { echo "error: $relaxed_gpl_symbol not found exactly once in $kdir/Module.symvers" >&2; exit 1; }

cat > "$tmp/tools/modpost" <<WRAP
#!/bin/sh
# modkit wrapper: real modpost + -N, with the relaxed vmlinux symvers
prev=
for a in "\$@"; do
	shift
	if [ "\$prev" = "-i" ] && [ "\$a" = "Module.symvers" ]; then
		a="$tmp/tools/vmlinux-relaxed.symvers"
	fi
	set -- "\$@" "\$a"
	prev=\$a
done
echo "  MODPOST (modkit wrapper: -N, $relaxed_gpl_symbol relaxed to EXPORT_SYMBOL)" >&2
exec "$kdir/scripts/mod/modpost" -N "\$@"
WRAP
chmod +x "$tmp/tools/modpost"

echo "building in $tmp/src against $kdir"
set -- make -C "$kdir" M="$tmp/src" modules KBUILD_MODPOST_WARN=1 KCFLAGS=-g0 MODPOST="$tmp/tools/modpost"
echo "+ $*"
status=0
"$@" > "$tmp/build.log" 2>&1 || status=$?
sed 's/^/  | /' "$tmp/build.log"
[ "$status" -eq 0 ] || { echo "error: kbuild failed (exit $status)" >&2; exit 1; }
if grep -q '^ERROR' "$tmp/build.log"; then
	echo "error: unexpected modpost errors" >&2; exit 1
fi

mkdir -p "$out"
for m in ${COPY:-$modules}; do
	cp "$tmp/src/$m.ko" "$out/$m.ko"
	echo "copied $m.ko -> objects/x86_64/$m.ko ($(wc -c < "$out/$m.ko") bytes)"
done
