#!/bin/sh
# Builds cli/target/modkit.aot, the JVM's ahead-of-time cache for modkit (JDK 25, JEP 483/514/515): the classes
# every command loads, parsed, verified and linked, so each command starts sooner. The build runs this after
# packaging; bin/modkit uses the cache when it is not older than modkit.jar and ignores it otherwise.
# First the launcher's copies of Java 5 jars (picocli) get Java 8 class files, which the cache can hold
# (scripts/ModernizeJar.java); then a training run uses every tool once over the sample modules.
# depmod gets a cache of its own, cli/target/depmod.aot, trained on a generated tree of 10,000 modules: the
# profiles of a whole-tree run let the JVM compile depmod's hot loops sooner, and the cache holds depmod's classes
# alone (together 0.05 s of a 0.4 s run on such a tree, measured before later changes made the run shorter). The tree
# comes from the test generator (modprobe's test classes, built even with -DskipTests), with another seed than
# scripts/bench-depmod.sh uses; without those classes depmod uses modkit.aot.
# Nothing here is needed for modkit to work: on any failure the commands just start without the cache.
set -e
# (the training runs in JVMs of their own, never in a resident server: modkit server)
export MODKIT_SERVER=0
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/cli/target/modkit.aot"
depmod_out="$here/cli/target/depmod.aot"
log="$here/cli/target/aot-cache.log"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
rm -f "$out" "$depmod_out"
{
  "$java" "$here/scripts/ModernizeJar.java" "$here"/cli/target/lib/*.jar &&
  MODKIT_AOT_OUTPUT="$out" "$here/bin/modkit" aot-training "$here/testdata/objects/x86_64"
} >"$log" 2>&1 || {
  echo "aot-cache: failed; commands will start without the AOT cache (see $log)" >&2
  exit 0
}
[ -f "$out" ] || echo "aot-cache: no cache was written; commands will start without it (see $log)" >&2

generator="$here/modprobe/target/test-classes"
if [ -f "$out" ] && [ -f "$generator/modkit/depmod/SyntheticTree.class" ]; then
  tree=$(mktemp -d)
  {
    "$java" --sun-misc-unsafe-memory-access=allow -cp "$generator:$here/cli/target/lib/*" \
      modkit.depmod.SyntheticTree "$tree" 10000 7 &&
    MODKIT_AOT_OUTPUT="$depmod_out" "$here/bin/depmod" -b "$tree" 6.1.0-syn
  } >>"$log" 2>&1 || echo "aot-cache: no depmod cache; depmod will start with modkit.aot (see $log)" >&2
  rm -rf "$tree"
fi

# The kmod tools' own caches, each smaller than modkit.aot (scripts/aot-tools.sh).
[ -f "$out" ] && sh "$here/scripts/aot-tools.sh"
