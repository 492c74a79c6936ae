"""PyTorch side of tools/bench/generation.sh: eager greedy generation with the reference model.

Usage: /usr/bin/python3 tools/bench/generation_torch.py CHECKPOINT_DIR PROMPT_IDS NEW_TOKENS [ROUNDS=3] [RECOMPUTE=0]
  PROMPT_IDS: comma-separated token ids (text-only prompt, the same the Java harness gets).

Loads the checkpoint with tools/reference/speechlm_reference.py (float32), torch.set_num_threads(1),
under torch.inference_mode(). One untimed warm-up generation, then ROUNDS timed runs of
generate_greedy(use_cache=True) (prefill + one token per step, no early stop); with RECOMPUTE=1 also
one run of generate_greedy(use_cache=False). Prints one RESULT line with the best run.
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reference"))
import speechlm_reference as ref  # noqa: E402


def main() -> None:
  if len(sys.argv) < 4:
    sys.exit(__doc__)
  torch.set_num_threads(1)
  ckpt, ids, n = sys.argv[1], [int(x) for x in sys.argv[2].split(",")], int(sys.argv[3])
  rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
  recompute = len(sys.argv) > 5 and sys.argv[5] == "1"
  model, _ = ref.load_model(ckpt)
  model.eval()
  with torch.inference_mode():
    out, _ = model.generate_greedy(ids, None, n, use_cache=True)
    best = float("inf")
    for _ in range(rounds):
      t0 = time.perf_counter()
      out, _ = model.generate_greedy(ids, None, n, use_cache=True)
      best = min(best, time.perf_counter() - t0)
    line = "RESULT impl=torch new_tokens=%d cached_s=%.4f cached_tok_s=%.1f" % (n, best, n / best)
    if recompute:
      t0 = time.perf_counter()
      full, _ = model.generate_greedy(ids, None, n, use_cache=False)
      dt = time.perf_counter() - t0
      line += " recompute_s=%.4f recompute_tok_s=%.1f same_ids=%s" % (dt, n / dt, full == out)
  print(line + " first_ids=" + ",".join(str(i) for i in out[:12]))


if __name__ == "__main__":
  main()
