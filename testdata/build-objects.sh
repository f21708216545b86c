#!/bin/sh
# Assemble the hand-written relocation test objects (not kbuild):
#   samples/x86_64/asm/*.S -> objects/x86_64/*.o   (GNU as --64)
#   samples/i386/*.S       -> objects/i386/*.o     (i686-linux-gnu-as --32)
#   samples/m68k/*.S       -> objects/m68k/*.o     (m68k-linux-gnu-as -m68040)
#   samples/m68k/*.c       -> objects/m68k/*.o     (m68k-linux-gnu-gcc, kbuild's code flags for a 68040)
#   samples/ia64/*.S       -> objects/ia64/*.o     (ia64-linux-gnu-as -x, then ia64-patch-relocs.py for the
#                                                   types GNU as cannot emit: see the PATCH lines in each .S)
# Each object is a minimal "module" for the x86_64-test / i386-test profile
# (profiles/*.profile): see samples/*/modkit-module.inc.
#
# Needs (Debian 12): binutils, binutils-i686-linux-gnu, binutils-m68k-linux-gnu,
#                    gcc-m68k-linux-gnu (12.2), binutils-ia64-linux-gnu, python3
set -eu

here=$(cd "$(dirname "$0")" && pwd)
AS64=${AS64:-as}
AS32=${AS32:-i686-linux-gnu-as}
ASM68K=${ASM68K:-m68k-linux-gnu-as}
CC68K=${CC68K:-m68k-linux-gnu-gcc}
ASIA64=${ASIA64:-ia64-linux-gnu-as}

build() { # assembler-or-compiler flags srcdir outdir [suffix]
	as_cmd=$1; flags=$2; srcdir=$3; outdir=$4; suffix=${5:-S}
	mkdir -p "$outdir"
	for src in "$srcdir"/*."$suffix"; do
		obj="$outdir/$(basename "${src%.$suffix}").o"
		# run in the source dir with a relative name: the STT_FILE symbol
		# then holds just "x.S", so the object does not depend on the checkout path
		echo "+ (cd ${srcdir#$here/} && $as_cmd $flags -o $obj $(basename "$src"))"
		(cd "$srcdir" && $as_cmd $flags -o "$obj" "$(basename "$src")")
	done
}

build "$AS64" --64 "$here/samples/x86_64/asm" "$here/objects/x86_64"
build "$AS32" --32 "$here/samples/i386" "$here/objects/i386"
build "$ASM68K" -m68040 "$here/samples/m68k" "$here/objects/m68k"
# -fno-pic -O2 -m68040 -ffreestanding: the code-generation flags of a 68040 kbuild; -g0 keeps the object small
build "$CC68K" "-m68040 -O2 -fno-pic -ffreestanding -fno-common -g0 -c" "$here/samples/m68k" "$here/objects/m68k" c

# Compressed copies of one kbuild module, made by the real tools, for CompressedModuleTest.
# -n: no name or time stamp in the gzip header, so a rebuild is byte-identical.
obj="$here/objects/x86_64/mk_params.ko"
gzip -9n -c "$obj" > "$obj.gz"
xz -T1 -c "$obj" > "$obj.xz"
zstd -q -19 -c "$obj" > "$obj.zst"

# ia64: -x checks instruction dependencies (the samples are not meant to run, so its warnings are expected)
build "$ASIA64" -x "$here/samples/ia64" "$here/objects/ia64" 2>&1 | grep -v -e Warning -e 'conflict is reported' \
	-e 'location of the conflicting' -e 'Assembler messages' || true
for src in "$here"/samples/ia64/*.S; do
	obj="$here/objects/ia64/$(basename "${src%.S}").o"
	echo "+ ia64-patch-relocs.py ${src#$here/} ${obj#$here/}"
	python3 "$here/ia64-patch-relocs.py" "$src" "$obj"
done
