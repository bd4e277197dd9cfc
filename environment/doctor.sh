#!/usr/bin/env bash
# Diagnoses a machine for CondDistill: SDK, libstdc++ / TorchSharp natives, threads, device, data.
# Prints one line per check ("ok" or "PROBLEM" with the fix) and exits 1 when something is wrong.
#   bash environment/doctor.sh          all checks, including an in-process TorchSharp check
#   bash environment/doctor.sh --quick  skip the build and the in-process check
set -u
cd "$(dirname "$0")/.."
quick=false; [ "${1:-}" = "--quick" ] && quick=true
problems=0
ok()      { printf '  ok       %-14s %s\n' "$1" "$2"; }
problem() { printf '  PROBLEM  %-14s %s\n           fix: %s\n' "$1" "$2" "$3"; problems=$((problems + 1)); }
note()    { printf '  note     %-14s %s\n' "$1" "$2"; }

echo "CondDistill doctor ($(uname -sm))"

# 1. .NET SDK 10
if command -v dotnet >/dev/null 2>&1; then
  sdks=$(dotnet --list-sdks 2>/dev/null | awk '{print $1}' | tr '\n' ' ')
  if grep -Eq '(^| )10\.' <<<" $sdks"; then ok "sdk" ".NET SDK $sdks"
  else problem "sdk" "no .NET 10 SDK (found: ${sdks:-none})" "install the .NET 10 SDK (https://dot.net or your distribution's dotnet-sdk-10.0 package)"; fi
else
  problem "sdk" "dotnet is not on PATH" "install the .NET 10 SDK and put dotnet on PATH"
fi

# 2. libstdc++ and the TorchSharp native library (Linux only)
if [ "$(uname -s)" = "Linux" ]; then
  libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}')
  [ -n "$libstdcxx" ] || libstdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
  if [ -f "$libstdcxx" ] && grep -aq 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
    ok "libstdc++" "$libstdcxx provides GLIBCXX_3.4.32; no native patch needed"
  else
    note "libstdc++" "$libstdcxx lacks GLIBCXX_3.4.32 (Debian 12 and older); the build marks that need weak in libLibTorchSharp.so"
    nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}
    lib="$nuget/torchsharp/0.107.0/runtimes/linux-x64/native/libLibTorchSharp.so"
    if [ ! -f "$lib" ]; then
      note "torchsharp" "not restored yet ($lib); 'dotnet build CondDistill.sln' restores and patches it"
    elif command -v readelf >/dev/null 2>&1; then
      if readelf -V "$lib" 2>/dev/null | grep -q 'GLIBCXX_3.4.32 *Flags: WEAK'; then ok "torchsharp" "$lib is patched"
      else problem "torchsharp" "$lib still requires GLIBCXX_3.4.32" "run 'dotnet build CondDistill.sln' (environment/TorchSharpGlibcxxFix.targets patches it) and check the build log for 'CondDistill: marked GLIBCXX_3.4.32 weak'"; fi
    else
      note "torchsharp" "readelf not installed (apt-get install binutils) so the patch cannot be inspected here"
    fi
  fi
fi

# 3. Threads
cores=$(nproc 2>/dev/null || echo 1)
if [ -n "${OMP_NUM_THREADS:-}" ] && [ "${OMP_NUM_THREADS}" -gt "$cores" ] 2>/dev/null; then
  problem "threads" "OMP_NUM_THREADS=$OMP_NUM_THREADS exceeds the $cores cores" "unset OMP_NUM_THREADS or set it to at most $cores"
else
  ok "threads" "$cores cores; OMP_NUM_THREADS=${OMP_NUM_THREADS:-unset} (TorchSharp then uses its default; --threads overrides)"
fi

# 4. Device
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  ok "device" "NVIDIA GPU visible: $(nvidia-smi -L | head -1); build with -p:TorchDevice=cuda and pass --device cuda to use it"
else
  ok "device" "no NVIDIA GPU visible: use --device cpu (the default)"
fi

# 5. Data
sums=data/fashion-mnist/SHA256SUMS
if [ -f "$sums" ]; then
  if (cd data/fashion-mnist && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
    ok "data" "data/fashion-mnist: four IDX files present, SHA-256 sums match"
  else
    problem "data" "data/fashion-mnist files are missing or differ from SHA256SUMS" "git checkout -- data/fashion-mnist (or see data/fashion-mnist/README.md to rebuild from the Debian package)"
  fi
else
  problem "data" "$sums not found" "run from a full clone of the repository (data/fashion-mnist ships with it)"
fi

# 6. In-process check: TorchSharp loads, threads, device, data loads through the library
if ! $quick && command -v dotnet >/dev/null 2>&1; then
  if dotnet build src/CondDistill.Cli -v quiet -nologo >/tmp/conddistill-doctor-build.log 2>&1; then
    dotnet run --no-build --project src/CondDistill.Cli -- doctor || problems=$((problems + 1))
  else
    problem "build" "dotnet build src/CondDistill.Cli failed (log: /tmp/conddistill-doctor-build.log)" "read the log; run 'dotnet restore' if packages are missing"
  fi
fi

if [ "$problems" -eq 0 ]; then echo "doctor: no problems found"; exit 0; fi
echo "doctor: $problems problem(s) found"; exit 1
