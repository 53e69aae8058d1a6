#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed.
# The inputs' content hash (not their mtimes, which a fresh clone resets) is kept
# next to the model; Rasa's own fingerprinting would also skip, but only after
# ~20 s of start-up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
model=models/doradca.tar.gz
stamp=models/.inputs-sha256
inputs=()
for path in data domain.yml domain config.yml requirements/rasa.txt; do [ -e "$path" ] && inputs+=("$path"); done
hash=$(find "${inputs[@]}" -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
if [ -f "$model" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$hash" ]; then
  echo "==> Rasa model is up to date ($model)"
  exit 0
fi
echo "==> training the Rasa model (data/, domain.yml or config.yml changed)"
start=$(date +%s)
rm -f "$stamp"
scripts/rasa.sh train --fixed-model-name doradca --out models --domain domain.yml --data data --config config.yml
echo "$hash" > "$stamp"
echo "==> trained in $(( $(date +%s) - start )) s"
