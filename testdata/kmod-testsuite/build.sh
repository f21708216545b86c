#!/bin/sh
# Make the fixtures of kmod's own testsuite that modkit's Kmod*SuiteTest classes replay, from kmod's repository at
# a pinned commit:
#
#   rootfs-pristine/   kmod's testsuite/rootfs-pristine trees of the test files we port, as kmod has them
#   modules/           the testsuite/module-playground modules, built with kbuild against the Debian 6.1 headers
#                      (kmod builds them against the host's kernel), plus the copies kmod's
#                      scripts/setup-rootfs.sh makes of them: compressed (.ko.gz/.ko.xz/.ko.zst) and with the
#                      dummy signatures appended (mod-simple-sha1.ko, -sha256.ko, -pkcs7.ko)
#   rootfs.map         where setup-rootfs.sh installs each module in each tree (its "map", MODULE_DIRECTORY=/lib/modules)
#   COPYING            kmod's testsuite licence (LGPL-2.1); module sources are LGPL/GPL as their MODULE_LICENSE says
#
# The tests copy a tree and install the modules as rootfs.map says, in a temporary directory; they need neither
# this script nor a compiler.
#
#   testdata/kmod-testsuite/build.sh [KMOD_GIT_DIR] [KDIR]
#
# KMOD_GIT_DIR: a clone (bare or not) of https://github.com/kmod-project/kmod holding the pinned commit (default:
# a fresh bare clone in a temporary directory). KDIR: kernel build dir (default
# /usr/src/linux-headers-6.1.0-56-amd64). Needs git, gcc-12, make, gzip, xz, zstd, linux-headers-6.1.0-56-amd64.
# KCFLAGS=-g0 as in testdata/build-x86_64-modules.sh: no DWARF, 5-10 KiB per module.
set -eu

KMOD_COMMIT=13330c958deef15c227a9c83d8ba72106152fd7f   # tag v34.2
# The kmod test files whose trees we need (see NOT-PORTED.md for the others).
TREES="test-depmod test-modprobe test-modinfo test-weakdep test-blacklist test-dependencies test-init test-remove"

here=$(cd "$(dirname "$0")" && pwd)
kdir=${2:-${KDIR:-/usr/src/linux-headers-6.1.0-56-amd64}}
[ -f "$kdir/Makefile" ] || { echo "error: kernel build dir $kdir not found (apt-get install linux-headers-6.1.0-56-amd64)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmod-testsuite.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ $# -ge 1 ] && [ -n "$1" ]; then
	git_dir=$1
	[ -d "$git_dir/.git" ] && git_dir="$git_dir/.git"
else
	git clone --quiet --bare https://github.com/kmod-project/kmod "$tmp/kmod.git"
	git_dir=$tmp/kmod.git
fi
git --git-dir="$git_dir" cat-file -e "$KMOD_COMMIT^{commit}" \
	|| { echo "error: $git_dir does not have kmod commit $KMOD_COMMIT" >&2; exit 1; }

# 1. The trees, as committed in kmod (only the directories of the test files we port).
mkdir "$tmp/src"
git --git-dir="$git_dir" archive --format=tar "$KMOD_COMMIT" testsuite/rootfs-pristine testsuite/module-playground \
	testsuite/COPYING | tar -x -C "$tmp/src"
rm -rf "$here/rootfs-pristine" "$here/modules"
mkdir -p "$here/rootfs-pristine" "$here/modules"
for t in $TREES; do
	[ -d "$tmp/src/testsuite/rootfs-pristine/$t" ] && cp -R "$tmp/src/testsuite/rootfs-pristine/$t" "$here/rootfs-pristine/"
done
# kmod keeps empty directories with a .gitignore; setup-rootfs.sh deletes them; so do the tests.
cp "$tmp/src/testsuite/COPYING" "$here/COPYING"

# 2. The modules (module-playground's Kbuild, not its arch-specific part).
pg=$tmp/src/testsuite/module-playground
echo "building module-playground against $kdir"
if ! make -C "$kdir" M="$pg" modules KCFLAGS=-g0 > "$tmp/build.log" 2>&1; then
	sed 's/^/  | /' "$tmp/build.log"; echo "error: kbuild failed" >&2; exit 1
fi
for m in mod-simple mod-foo mod-foo-a mod-foo-b mod-foo-c mod-loop-a mod-loop-b mod-loop-c mod-loop-d mod-loop-e \
		mod-loop-f mod-loop-g mod-loop-h mod-loop-i mod-loop-j mod-loop-k mod-fake-hpsa mod-fake-scsi-mod \
		mod-fake-cciss mod-weakdep; do
	cp "$pg/$m.ko" "$here/modules/"
done
# setup-rootfs.sh's compressed copies (gzip -n: no name or time in the header, so the bytes are reproducible)
gzip -n -c "$pg/mod-fake-cciss.ko" > "$here/modules/mod-fake-cciss.ko.gz"
xz -c "$pg/mod-fake-scsi-mod.ko" > "$here/modules/mod-fake-scsi-mod.ko.xz"
zstd -q -c "$pg/mod-fake-hpsa.ko" > "$here/modules/mod-fake-hpsa.ko.zst"
# ... and its signed copies: the module with a dummy signature appended
for s in sha1 sha256 pkcs7; do
	cat "$pg/mod-simple.ko" "$pg/dummy.$s" > "$here/modules/mod-simple-$s.ko"
done

# 3. setup-rootfs.sh's map, with MODULE_DIRECTORY=/lib/modules: tree-relative destination (a trailing / means
# "into this directory, same name"), then the module file in modules/.
git --git-dir="$git_dir" show "$KMOD_COMMIT:scripts/setup-rootfs.sh" \
	| sed -n 's/^ *\["\(test-[^"]*\)"\]="\([^"]*\)"$/\1\t\2/p' \
	| sed 's|\$MODULE_DIRECTORY|/lib/modules|' > "$tmp/map"
# the compressed and signed destinations
{
	echo "# kmod $KMOD_COMMIT scripts/setup-rootfs.sh: where each module-playground module goes (MODULE_DIRECTORY=/lib/modules)"
	echo "# DESTINATION (in rootfs-pristine/, a trailing / = into that directory)<TAB>FILE in modules/"
	while IFS='	' read -r dst src; do
		case "$dst" in
		*/kernel/drivers/block/cciss.ko) [ "${dst#test-depmod/modules-order-compressed/}" != "$dst" ] && { dst=$dst.gz; src=$src.gz; } ;;
		*/kernel/drivers/scsi/scsi_mod.ko) [ "${dst#test-depmod/modules-order-compressed/}" != "$dst" ] && { dst=$dst.xz; src=$src.xz; } ;;
		*/kernel/drivers/scsi/hpsa.ko) [ "${dst#test-depmod/modules-order-compressed/}" != "$dst" ] && { dst=$dst.zst; src=$src.zst; } ;;
		test-modinfo/mod-simple-sha1.ko) src=mod-simple-sha1.ko ;;
		test-modinfo/mod-simple-sha256.ko) src=mod-simple-sha256.ko ;;
		test-modinfo/mod-simple-pkcs7.ko) src=mod-simple-pkcs7.ko ;;
		esac
		tree=${dst%%/*}
		case " $TREES " in *" $tree "*) printf '%s\t%s\n' "$dst" "$src" ;; esac
	done < "$tmp/map" | LC_ALL=C sort
} > "$here/rootfs.map"
n=$(grep -vc '^#' "$here/rootfs.map")
echo "wrote $(ls "$here/modules" | wc -l) module files, $n map lines, $(find "$here/rootfs-pristine" -type f | wc -l) tree files"
du -sh "$here/modules" "$here/rootfs-pristine"
