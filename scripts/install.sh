#!/bin/sh
# Installs modkit's man pages and shell completion under a prefix (default ~/.local), and a `modkit` command
# that runs this checkout:
#   PREFIX/bin/modkit                               a wrapper that execs this checkout's bin/modkit
#   PREFIX/share/man/man8/*.8                       insmod(8) ... modinfo(8), modkit(8), modkit-ksyms(8), ...
#   PREFIX/share/bash-completion/completions/NAME   for modkit and each tool (bash-completion loads them by name)
#   PREFIX/share/zsh/site-functions/_modkit         for zsh (add that directory to $fpath)
# With --links, also PREFIX/bin/insmod, rmmod, lsmod, modprobe, depmod and modinfo: these shadow the system's
# kmod tools for whoever has PREFIX/bin first on PATH, so they are not installed unless asked for.
# The pages and completion are made by the build (mvn package): cli/target/man, cli/target/completion.
#
#   scripts/install.sh [--links] [PREFIX]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
links=
case "${1:-}" in
  --links) links=1; shift ;;
  -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) echo "install.sh: unknown option $1 (usage: scripts/install.sh [--links] [PREFIX])" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "install.sh: too many arguments (usage: scripts/install.sh [--links] [PREFIX])" >&2; exit 2; }
prefix=${1:-$HOME/.local}
man="$here/cli/target/man/man8"
completion="$here/cli/target/completion"
if [ ! -f "$man/modkit.8" ] || [ ! -f "$completion/modkit.bash" ]; then
  echo "install.sh: $man or $completion is missing" >&2
  echo "hint: build first: mvn -q package -DskipTests (in $here)" >&2
  exit 1
fi
tools="insmod rmmod lsmod modprobe depmod modinfo"
mkdir -p "$prefix/bin" "$prefix/share/man/man8" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions"
wrapper() { # NAME: PREFIX/bin/NAME runs this checkout's bin/NAME (a symlink would make bin/modkit look for
            # its jar under PREFIX)
  printf '#!/bin/sh\n# Installed by %s/scripts/install.sh\nexec "%s/bin/%s" "$@"\n' "$here" "$here" "$1" >"$prefix/bin/$1"
  chmod 755 "$prefix/bin/$1"
}
wrapper modkit
if [ -n "$links" ]; then
  for t in $tools; do wrapper "$t"; done
fi
cp "$man"/*.8 "$prefix/share/man/man8/"
for name in modkit $tools; do
  cp "$completion/modkit.bash" "$prefix/share/bash-completion/completions/$name"
done
cp "$completion/_modkit" "$prefix/share/zsh/site-functions/_modkit"
echo "installed under $prefix: bin/modkit${links:+ and the tool links}, $(ls "$man" | wc -l) man pages, bash and zsh completion"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on PATH" ;; esac
