#!/usr/bin/env bash
# Mutation testing of one folder of the library with dotnet-stryker (a local tool), in a fresh copy of the committed
# repository: Stryker rewrites the build output.
#   bash eng/mutation.sh training|modeling [work-folder]
# The report (HTML and JSON) lands in <work-folder>/repo/test/Microsoft.ML.Alter.Tests/StrykerOutput/.
set -euo pipefail
part=${1:?"usage: eng/mutation.sh training|modeling [work-folder]"}
repo=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$repo/eng/stryker/$part.json" ] || { echo "no Stryker configuration eng/stryker/$part.json" >&2; exit 1; }
work=${2:-$(mktemp -d)}
rm -rf "$work/repo"
git clone -q "$repo" "$work/repo"
cd "$work/repo"
dotnet tool restore
# Stryker's project analysis compiles against the publicized ML.NET assemblies that a build writes first
# (eng/MLNetInternals.targets); without them every file that uses ML.NET internals fails to compile.
dotnet build test/Microsoft.ML.Alter.Tests -f net10.0 -v q
cd test/Microsoft.ML.Alter.Tests
dotnet stryker --config-file "$work/repo/eng/stryker/$part.json"
