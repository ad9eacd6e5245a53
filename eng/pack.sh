#!/usr/bin/env bash
# Packs Microsoft.ML.Alter and its default encoder package (Microsoft.ML.Alter.MiniLM) into the folder feed
# artifacts/feed, the local NuGet source of the notebook and of eng/check-package.sh. NuGet never restores a version it
# has already cached, so this version's copies are removed from the NuGet cache: the next restore takes the new build.
# Usage: bash eng/pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
feed="$(pwd)/artifacts/feed"
version=$(dotnet msbuild src/Microsoft.ML.Alter -getProperty:Version)
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')

rm -rf "$feed"
for project in src/Microsoft.ML.Alter.MiniLM src/Microsoft.ML.Alter; do
    dotnet pack "$project" -c Release -o "$feed" --nologo -v quiet
    id=$(basename "$project" | tr '[:upper:]' '[:lower:]')
    rm -rf "${cache%/}/$id/$version"
done
echo "Packages in $feed:"; ls -l "$feed" | awk 'NR > 1 {printf "  %-45s %6.1f MB\n", $9, $5 / 1e6}'
