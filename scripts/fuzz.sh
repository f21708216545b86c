#!/bin/sh
# The long fuzz run over modkit's input parsers (issue 14): INPUTS inputs in total (default 1,000,000), shared by the
# targets, or only the TARGETs named (elf compressed modinfo link param-views param-show kmod-index modprobe.d
# depmod.d cmdline). Prints per target the inputs tried, refused cleanly (exit 1 in a command), crashes (what a
# command would turn into exit 70) and hangs (one input over 10 s), and keeps those inputs in fuzz-out/.
#   scripts/fuzz.sh [INPUTS] [TARGET...]        e.g. nice -n 10 scripts/fuzz.sh 1000000
#   scripts/fuzz.sh replay TARGET FILE...      what each saved input does now
# MODKIT_FUZZ_SEED picks another sequence of mutations; MODKIT_CORPUS another module corpus.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
mvn -B -o -q test-compile -pl testdata -am >/dev/null
# This tree's classes, then the outside libraries (never a modkit jar from elsewhere).
cp="$here/testdata/target/test-classes"
for m in elf arch kernel insmod rmmod lsmod modprobe cli; do cp="$cp:$here/$m/target/classes"; done
cp="$cp:$(mvn -B -o -q dependency:build-classpath -pl testdata -am -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test \
    -Dmdep.excludeGroupIds=dev.modkit 2>/dev/null | tail -1)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dmodkit.project="$here" -Dmodkit.corpus="${MODKIT_CORPUS:-$here/../shared/corpus}" \
    -Dmodkit.fuzz.seed="${MODKIT_FUZZ_SEED:-1}" -cp "$cp" modkit.testdata.fuzz.FuzzMain "$@"
