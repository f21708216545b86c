#!/bin/sh
# Section tables of the committed sample objects as GNU readelf prints them, for elf's ElfViewTest: one line per
# section, "index name type offset size link info" (hex as readelf gives it). readelf reads every ELF machine, so
# no cross tools are needed. Run from the repository root after rebuilding testdata/objects.
set -e
out=testdata/golden/readelf
rm -rf "$out"
for obj in testdata/objects/*/*.o testdata/objects/*/*.ko; do
  arch=${obj%/*}; arch=${arch##*/}
  mkdir -p "$out/$arch"
  readelf -S -W "$obj" | sed -n 's/^ *\[ *\([0-9][0-9]*\)\] //p' | awk -v idx=0 '
    {
      # The null section has no name: its first field is the type.
      if ($1 == "NULL") { name = "-"; $0 = "- " $0 }
      printf "%d %s %s %s %s %s %s\n", idx, $1, $2, $4, $5, ($7 ~ /^[0-9]+$/ ? $7 : $8), ($7 ~ /^[0-9]+$/ ? $8 : $9)
      idx++
    }' > "$out/$arch/${obj##*/}.sections"
done
