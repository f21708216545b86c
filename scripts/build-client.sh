#!/bin/sh
# Builds cli/target/modkit-client, the small C program through which bin/modkit hands commands to the resident
# server (modkit server start; cli/src/main/c/modkit-client.c). The build runs this after packaging. Nothing needs
# it: without a C compiler there is no client, every command runs in a JVM of its own, and "modkit server start"
# says what is missing.
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/cli/target/modkit-client"
rm -f "$out"
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "build-client: no C compiler ($cc): modkit server is not available, commands start their own JVM" >&2
  exit 0
fi
"$cc" -O2 -Wall -Wextra -o "$out.tmp" "$here/cli/src/main/c/modkit-client.c" && mv "$out.tmp" "$out" || {
  rm -f "$out.tmp"
  echo "build-client: $cc failed: modkit server is not available, commands start their own JVM" >&2
}
exit 0
