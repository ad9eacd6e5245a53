#!/usr/bin/env bash
# Runs the sample notebook headless with dotnet-repl on freshly packed packages (eng/pack.sh) and saves the executed
# notebook, outputs included, over samples/MultiTaskNotebook/notebook/MultiTaskNotebook.ipynb: how its committed outputs are
# made. Set ALTER_NOTEBOOK_QUICK=1 for CI's quick mode (the notebook's tests refuse quick-mode outputs in the file).
# Usage: bash eng/run-notebook.sh [OUTPUT.ipynb]   (default: the notebook itself)
set -euo pipefail
cd "$(dirname "$0")/.."
notebook=samples/MultiTaskNotebook/notebook/MultiTaskNotebook.ipynb
target=${1:-$notebook}
bash eng/pack.sh
dotnet tool restore > /dev/null
executed=$(mktemp --suffix .ipynb)
trap 'rm -f "$executed"' EXIT
status=0
DOTNET_ROLL_FORWARD=Major dotnet repl --run "$notebook" --exit-after-run --output-path "$executed" < /dev/null || status=$?
if [ "$status" -ne 0 ]; then
    # A cell failed: keep the executed copy to read, and leave the notebook as it was.
    mkdir -p output && cp "$executed" output/MultiTaskNotebook.failed.ipynb
    echo "A cell failed (dotnet repl exit code $status); executed copy: output/MultiTaskNotebook.failed.ipynb"
    grep -oE '"evalue": "([^"\\]|\\.)*"' "$executed" | head -3 || true
    exit "$status"
fi
# dotnet-repl keeps every frame of the package-restore progress as an output of its own: keep the last ("Installed").
jq '.cells |= map(if .outputs then .outputs |= map(select(((.data["text/html"] // []) | join("")) | test("Installing Packages") | not)) else . end)' \
    "$executed" > "$target"
echo "Executed notebook written to $target"
