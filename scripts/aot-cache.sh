#!/bin/sh
# Builds cli/target/modkit.aot, the JVM's ahead-of-time cache for modkit (JDK 25, JEP 483/514/515): the classes
# every command loads, parsed, verified and linked, so each command starts sooner. The build runs this after
# packaging; bin/modkit uses the cache when it is not older than modkit.jar and ignores it otherwise.
# First the launcher's copies of Java 5 jars (picocli) get Java 8 class files, which the cache can hold
# (scripts/ModernizeJar.java); then a training run uses every tool once over the sample modules.
# Nothing here is needed for modkit to work: on any failure the commands just start without the cache.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/cli/target/modkit.aot"
log="$here/cli/target/aot-cache.log"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
rm -f "$out"
{
  "$java" "$here/scripts/ModernizeJar.java" "$here"/cli/target/lib/*.jar &&
  MODKIT_AOT_OUTPUT="$out" "$here/bin/modkit" aot-training "$here/testdata/objects/x86_64"
} >"$log" 2>&1 || {
  echo "aot-cache: failed; commands will start without the AOT cache (see $log)" >&2
  exit 0
}
[ -f "$out" ] || echo "aot-cache: no cache was written; commands will start without it (see $log)" >&2
