#!/usr/bin/env bash
# Issue 15's benchmark in one run: for 2, 7, 20 and 50 tasks, the default expert count (min(tasks + 1, 8)) and the
# former one (tasks + 1), one configuration per process (each peak RSS is its own, and the 24 GiB machine never holds
# two), sequentially. A background sampler logs the load average every 30 s, because the cores are shared.
# Usage (from the repository root, after `dotnet build -c Release bench`):
#   bash bench/Scaling/experts-memory.sh [DATA=../shared/data] [OUT=results] [TASK_COUNTS="2 7 20 50"] [MAX_ROWS=50]
set -euo pipefail
data=${1:-../shared/data}
out=${2:-results}
counts=${3:-2 7 20 50}
max_rows=${4:-50}
bench=bench/bin/Release/net10.0/alter-bench
mkdir -p "$out"
( while true; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 30; done ) > "$out/experts-memory-load.log" &
sampler=$!
trap 'kill $sampler' EXIT
for n in $counts; do
  for policy in default old; do
    echo "== $n tasks, experts $policy, 3-$max_rows rows per task, $(date -u +%H:%M:%S)"
    nice -n 10 "$bench" experts-memory --data "$data" --tasks "$n" --experts "$policy" --max-rows "$max_rows" --out "$out"
  done
done
