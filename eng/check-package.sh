#!/usr/bin/env bash
# Proves that the packages work for a user: packs Microsoft.ML.Alter and Microsoft.ML.Alter.MiniLM into a folder
# feed (artifacts/feed, by eng/pack.sh), then builds eng/PackageConsumer in an empty folder outside the repository with an empty
# NuGet cache of its own (other packages restore from the machine's NuGet sources), publishes it, trains a tiny
# two-task model with the published app and loads it in a second process to predict. The published app runs
# with HOME and NUGET_PACKAGES pointing nowhere, so the encoder can only come from beside the app.
# Usage: bash eng/check-package.sh [net10.0|net8.0]   (default: net10.0; net8.0 publishes self-contained)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
framework=${1:-net10.0}
feed="$root/artifacts/feed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash eng/pack.sh

# The versions the repository builds with, each read from its one source.
version=$(dotnet msbuild src/Microsoft.ML.Alter -getProperty:Version)
package_version() { sed -n "s/.*Include=\"$1\" Version=\"\([^\"]*\)\".*/\1/p" Directory.Packages.props; }
torchsharp=$(package_version TorchSharp-cpu)
# The lowest of the range, as a user would write it (a range with a comma is no MSBuild property value).
mlnet=$(package_version Microsoft.ML | sed "s/^\[\([^,]*\),.*/\1/")

mkdir -p "$work/app" "$work/packages"
cp eng/PackageConsumer/PackageConsumer.csproj eng/PackageConsumer/Program.cs "$work/app/"
# Only the feed is added: the machine's own NuGet sources stay (no <clear/>), as in this repository's nuget.config.
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><add key="alter-feed" value="$feed" /></packageSources>
  <config><add key="signatureValidationMode" value="accept" /></config>
</configuration>
XML
properties=(-p:ConsumerTargetFramework="$framework" -p:AlterVersion="$version" -p:TorchSharpVersion="$torchsharp" -p:MLNetVersion="$mlnet")
if [ "$framework" != net10.0 ]; then
    # No .NET 8 runtime is installed here: the SDK takes its runtime pack from NuGet.
    properties+=(-r "$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)" --self-contained)
fi
export NUGET_PACKAGES="$work/packages"
dotnet publish "$work/app" -c Release -o "$work/publish" --nologo -v quiet "${properties[@]}"
test -f "$work/publish/all-MiniLM-L6-v2/model.safetensors" || { echo "all-MiniLM-L6-v2 was not published beside the app"; exit 1; }
echo "Published $framework app: $(du -sh "$work/publish" | cut -f1), encoder folder: $(ls "$work/publish/all-MiniLM-L6-v2" | tr '\n' ' ')"

run() { (cd "$work" && env -u NUGET_PACKAGES HOME="$work/nohome" "$work/publish/PackageConsumer" "$@"); }
run train "$work/model.zip"
run predict "$work/model.zip"

# The file-based sample (a .NET 10 feature) against the same feed, from a copy outside the repository, on a few rows.
if [ "$framework" = net10.0 ]; then
    for pinned in "Microsoft.ML.Alter@$version" "TorchSharp-cpu@$torchsharp"; do
        grep -qx "#:package $pinned" samples/FileBasedApp/alter-app.cs ||
            { echo "samples/FileBasedApp/alter-app.cs lacks '#:package $pinned'"; exit 1; }
    done
    # The published app (about 1 GB) is done with: a CI machine's disk filled up while this sample saved its model.
    rm -rf "$work/publish" "$work/model.zip"
    mkdir "$work/filebased"
    cp samples/FileBasedApp/alter-app.cs "$work/filebased/"
    (cd "$work/filebased" && dotnet run alter-app.cs -- "$root/samples/MultiTaskNotebook/data" 16)
fi
echo "Package check ($framework): passed"
