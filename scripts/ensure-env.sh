#!/usr/bin/env bash
# Create (or reuse) one of the project's two Python environments.
#
#   scripts/ensure-env.sh NAME PYTHON REQUIREMENTS
#
# The environment is built once per (name, interpreter version, requirements hash)
# in a cache outside the clone ($DORADCA_CACHE, default ~/.cache/doradca), and
# .venv/NAME is a symlink to it: a fresh clone, or CI, reuses an environment that
# was already built for the same lock file instead of spending minutes on it again.
# A half-built environment (interrupted install) lacks its .complete marker and is
# rebuilt from scratch.
set -euo pipefail

name=$1; python=$2; requirements=$3
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${DORADCA_CACHE:-$HOME/.cache/doradca}

if [ ! -x "$python" ]; then
  echo "error: interpreter for the '$name' environment not found: $python" >&2
  echo "       (set PYTHON_RASA / PYTHON_ACTIONS, or install it with pyenv)" >&2
  exit 1
fi

pyver=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
hash=$( (echo "$pyver"; cat "$requirements") | sha256sum | cut -c1-16)
target="$cache/venvs/$name-$hash"
link="$root/.venv/$name"

if [ ! -f "$target/.complete" ]; then
  echo "==> creating the '$name' environment (Python $pyver) in $target"
  start=$(date +%s)
  uv=$("$root/scripts/ensure-uv.sh")
  rm -rf "$target"
  mkdir -p "$cache/venvs"
  "$uv" venv --quiet --python "$python" "$target"
  # uv does not read pip's configuration; hand it the local wheel folders pip
  # knows about (the CPU build of torch lives there on this kind of machine).
  find_links=()
  for dir in $(pip config list 2>/dev/null | sed -n "s/.*find-links='\(.*\)'/\1/p" | tr ' ' '\n' | sort -u); do
    [ -d "$dir" ] && find_links+=(--find-links "$dir")
  done
  # --compile-bytecode: without .pyc files every start recompiles Rasa (17 s instead of 8 s).
  VIRTUAL_ENV="$target" "$uv" pip install --python "$target/bin/python" --compile-bytecode \
    "${find_links[@]}" -r "$requirements"
  touch "$target/.complete"
  echo "==> '$name' environment ready in $(( $(date +%s) - start )) s"
fi

mkdir -p "$root/.venv"
if [ "$(readlink "$link" 2>/dev/null)" != "$target" ]; then
  rm -rf "$link"
  ln -s "$target" "$link"
fi
