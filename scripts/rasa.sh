#!/usr/bin/env bash
# Run a `rasa` command in the Rasa environment with the project's settings exported:
# endpoints.yml expands ${DORADCA_*} variables, which `python -m bot env` prints.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$("$root/.venv/actions/bin/python" -m bot env)"
exec "$root/.venv/rasa/bin/rasa" "$@"
