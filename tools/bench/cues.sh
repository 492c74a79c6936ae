#!/usr/bin/env bash
# Cue extraction, ser4j (1 thread) vs Praat, side by side in one run over the same clips.
# Usage: tools/bench/cues.sh [wav-dir] [passes]    (needs praat: apt-get install -y praat)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-$root/../shared/data/emodb/wav}"; dir="$(cd "$dir" && pwd)/"
passes="${2:-3}"
jar="$root/ser-examples/target/ser.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests package)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java_out=$(taskset -c 0 java -XX:ActiveProcessorCount=1 -cp "$jar" io.ser4j.examples.bench.CueBenchmark "$dir" "$passes")
echo "$java_out"
praat_out=$(taskset -c 0 praat --run "$root/tools/bench/cues_praat.praat" "$dir" 1)
echo "praat:       $praat_out"
jsec=$(echo "$java_out" | sed -n 's/^decode+cues: java_seconds=\([0-9.]*\) .*/\1/p')
jclips=$(echo "$java_out" | sed -n 's/^decode+cues: .* clips=\([0-9]*\) .*/\1/p')
psec=$(echo "$praat_out" | sed -n 's/.*praat_seconds=\([0-9.]*\) .*/\1/p')
pclips=$(echo "$praat_out" | sed -n 's/.*clips=\([0-9]*\).*/\1/p')
awk -v j="$jsec" -v jc="$jclips" -v p="$psec" -v pc="$pclips" \
  'BEGIN { printf "ratio (Praat time / ser4j time, per clip): %.1fx\n", (p/pc)/(j/jc) }'
