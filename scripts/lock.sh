#!/usr/bin/env bash
# Re-pin both environments after editing requirements/*.in:  scripts/lock.sh
# Every package gets an exact version so a fresh clone installs what CI tested.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
uv=$("$root/scripts/ensure-uv.sh")
cd "$root/requirements"
"$uv" pip compile --quiet --python-version 3.10 rasa.in -o rasa.txt
"$uv" pip compile --quiet --python-version 3.11 --find-links /opt/wheels actions.in -o actions.txt
