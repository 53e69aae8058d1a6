#!/usr/bin/env bash
# Print the path of a uv binary, installing it from PyPI into the cache if needed.
# uv resolves and installs Rasa's ~160 pinned packages several times faster than pip.
set -euo pipefail
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
cache=${DORADCA_CACHE:-$HOME/.cache/doradca}
tools="$cache/tools"
if [ ! -x "$tools/bin/uv" ]; then
  python3 -m venv "$tools" >&2
  "$tools/bin/pip" install --quiet 'uv==0.13.9' >&2
fi
echo "$tools/bin/uv"
