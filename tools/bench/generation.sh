#!/usr/bin/env bash
# SpeechLM greedy generation, 1 thread: KV-cached vs recompute-everything (Java), and Java vs the
# PyTorch reference's eager greedy (tools/bench/generation_torch.py, torch threads = 1).
#
# Usage: tools/bench/generation.sh [CHECKPOINT_DIR=/tmp/ser4j-bench-small] [NEW_TOKENS=256] [ROUNDS=3] [RECOMPUTE=1]
#   The checkpoint is written by tools/bench/generation_checkpoint.py if the directory does not exist
#   (random "bench-small": hidden 512, 8 layers, vocab 8192, 30.8 M parameters; see that script).
# Builds ser-examples/target/ser.jar if it is missing. Both sides get the same text-only prompt (the
# fixtures' text_only prompt, 23 ids), generate exactly NEW_TOKENS greedy tokens (no stop), one
# untimed warm-up, best of ROUNDS timed cached runs, then one recompute run (RECOMPUTE=1).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
ckpt="${1:-/tmp/ser4j-bench-small}"
n="${2:-256}"
rounds="${3:-3}"
recompute="${4:-1}"
prompt="1,20,7,45,10,134,155,158,148,140,6,8,7,22,30,29,42,12,2,7,1,21,7"
jar="$repo/ser-examples/target/ser.jar"
if [[ ! -d "$ckpt" ]]; then
  /usr/bin/python3 "$repo/tools/bench/generation_checkpoint.py" "$ckpt"
fi
if [[ ! -f "$jar" ]]; then
  (cd "$repo" && mvn -q -o -pl ser-examples -am package -DskipTests)
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),"\
     "load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); python: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)')"
j=$(OMP_NUM_THREADS=1 java -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
      -cp "$jar" io.ser4j.examples.bench.GenerationBenchmark "$ckpt" "$prompt" "$n" "$rounds" "$recompute" \
      2>/dev/null | grep '^RESULT')
echo "$j"
echo "load after java: $(cut -d' ' -f1-3 /proc/loadavg)"
p=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$repo/tools/bench/generation_torch.py" "$ckpt" "$prompt" "$n" "$rounds" "$recompute" \
      | grep '^RESULT')
echo "$p"
echo "load after torch: $(cut -d' ' -f1-3 /proc/loadavg)"
jt=$(sed -E 's/.*cached_tok_s=([0-9.]+).*/\1/' <<<"$j")
pt=$(sed -E 's/.*cached_tok_s=([0-9.]+).*/\1/' <<<"$p")
awk -v j="$jt" -v t="$pt" 'BEGIN{ printf "RATIO java/torch cached tokens/s = %.2fx\n", j/t }'
if [[ "$recompute" == "1" ]]; then
  echo "RATIO java cached/recompute = $(sed -E 's/.*speedup=([0-9.]+).*/\1/' <<<"$j")x"
  jf=$(sed -E 's/.*first_ids=([0-9,]+).*/\1/' <<<"$j"); pf=$(sed -E 's/.*first_ids=([0-9,]+).*/\1/' <<<"$p")
  [[ "$jf" == "$pf" ]] && echo "first 12 ids: java == torch" || echo "first 12 ids DIFFER: java $jf torch $pf"
fi
