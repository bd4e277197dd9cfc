#!/usr/bin/env bash
# Runs every notebook in this folder headless with two independent clients:
#   1. condistill notebook run (the in-process runner of CondDistill.Notebooks), writing executed
#      notebooks and HTML reports to artifacts/notebooks/;
#   2. dotnet-repl (the local tool in .config/dotnet-tools.json).
# Usage: notebooks/run-all.sh [smoke|quick|full]   (default: smoke)
# Exits non-zero when the build or any notebook in either client fails; the last line counts the
# checks (one per notebook and client): "notebooks: N passed, N failed".
set -euo pipefail

profile="${1:-smoke}"
case "$profile" in smoke|quick|full) ;; *) echo "usage: $0 [smoke|quick|full]" >&2; exit 2 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/artifacts/notebooks"
cd "$root"

echo "== build (Release): notebooks reference src/CondDistill.Cli/bin/Release/net10.0/"
dotnet build CondDistill.sln -c Release --nologo -v quiet

# Each notebook under each client counts as one check; the last line is "notebooks: N passed, N failed".
passed=0
failed=0
echo "== condistill notebook run, --profile $profile"
mkdir -p "$out/executed" "$out/html"
for path in "$root"/notebooks/*.ipynb; do
  notebook="$(basename "$path")"
  if dotnet src/CondDistill.Cli/bin/Release/net10.0/condistill.dll notebook run "$path" \
       --profile "$profile" --out "$out/executed/$notebook" --html "$out/html/${notebook%.ipynb}.html"; then
    passed=$((passed + 1))
  else
    echo "$notebook: FAILED under condistill notebook run" >&2
    failed=$((failed + 1))
  fi
done

echo "== dotnet-repl, CONDISTILL_PROFILE=$profile"
dotnet tool restore >/dev/null
mkdir -p "$out/repl"
cd "$root/notebooks" # the kernel's working directory: relative #r paths resolve from here, as in VS Code and Jupyter
for notebook in *.ipynb; do
  start=$(date +%s)
  if CONDISTILL_PROFILE="$profile" dotnet repl --run "$notebook" --exit-after-run \
       --output-path "$out/repl/$notebook" >"$out/repl/${notebook%.ipynb}.log" 2>&1; then
    echo "$notebook: ok under dotnet-repl ($(( $(date +%s) - start )) s)"
    passed=$((passed + 1))
  else
    echo "$notebook: FAILED under dotnet-repl, see $out/repl/${notebook%.ipynb}.log and the error outputs in $out/repl/$notebook" >&2
    failed=$((failed + 1))
  fi
done
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
