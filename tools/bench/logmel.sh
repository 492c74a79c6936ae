#!/usr/bin/env bash
# Log-mel throughput, 1 thread: ser4j (Java) vs torch.stft-based Whisper log-mel (torch threads = 1).
#
# Usage: tools/bench/logmel.sh [WAV_DIR] [N_MELS=80] [WARMUP_PASSES=3] [TIMED_PASSES=10] [ROUNDS=3]
#   WAV_DIR defaults to ../shared/data/emodb/wav (relative to the repository root).
# Builds ser-examples/target/ser.jar if it is missing (mvn -o -pl ser-examples -am package -DskipTests),
# then runs the Java harness and the Python reference alternately ROUNDS times (so that both see
# the same machine load), each with WARMUP_PASSES untimed and TIMED_PASSES timed passes over all
# clips, and prints the best pass of each and the throughput ratio java/torch.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
wav_dir="${1:-$repo/../shared/data/emodb/wav}"
n_mels="${2:-80}"
warmup="${3:-3}"
timed="${4:-10}"
rounds="${5:-3}"
jar="$repo/ser-examples/target/ser.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$repo" && mvn -q -o -pl ser-examples -am package -DskipTests)
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),"\
     "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); python: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)')"
best_java=""; best_torch=""
for ((r = 1; r <= rounds; r++)); do
  j=$(java -XX:ActiveProcessorCount=1 -cp "$jar" io.ser4j.examples.bench.LogMelBenchmark \
        "$wav_dir" "$n_mels" "$warmup" "$timed" | grep '^RESULT')
  p=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$repo/tools/reference/logmel_bench.py" \
        "$wav_dir" "$n_mels" "$warmup" "$timed" | grep '^RESULT')
  echo "round $r: $j"
  echo "round $r: $p"
  jb=$(sed -E 's/.*best_pass_s=([0-9.]+).*/\1/' <<<"$j")
  pb=$(sed -E 's/.*best_pass_s=([0-9.]+).*/\1/' <<<"$p")
  best_java=$(awk -v a="$best_java" -v b="$jb" 'BEGIN{print (a=="" || b<a) ? b : a}')
  best_torch=$(awk -v a="$best_torch" -v b="$pb" 'BEGIN{print (a=="" || b<a) ? b : a}')
done
clips=$(sed -E 's/.*clips=([0-9]+).*/\1/' <<<"$j")
audio=$(sed -E 's/.*audio_s=([0-9.]+).*/\1/' <<<"$j")
awk -v j="$best_java" -v t="$best_torch" -v n="$clips" -v a="$audio" 'BEGIN{
  printf "best pass over %d clips (%.1f s of audio): java %.4f s (%.0f clips/s, RTF %.3g),"\
         " torch %.4f s (%.0f clips/s, RTF %.3g)\n", n, a, j, n/j, j/a, t, n/t, t/a;
  printf "RATIO java/torch throughput = %.2fx\n", t/j }'
