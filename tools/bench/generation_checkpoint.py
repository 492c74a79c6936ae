"""Writes the random "bench-small" Qwen2-Audio checkpoint used by tools/bench/generation.sh.

Usage: /usr/bin/python3 tools/bench/generation_checkpoint.py OUT_DIR

The tiny test checkpoints (hidden 64, 3 layers, vocab 300) are too small for a generation benchmark:
per-token time would be nothing but per-op overhead. bench-small keeps their layout and tokenizer
rules but has a text decoder of a realistic shape at small scale: hidden 512, 8 layers, 8 heads,
2 KV heads (head_dim 64), intermediate 1376, vocab 8192 (about 31 M parameters, ~125 MB float32),
audio tower as in tiny-untied. Weights: the tiny checkpoints' seeded init (seed 5000). Not committed
(regenerate it; the script is deterministic).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reference"))
import make_tiny_checkpoints as tiny  # noqa: E402
import speechlm_reference as ref  # noqa: E402

TEXT = {"hidden_size": 512, "intermediate_size": 1376, "num_hidden_layers": 8, "num_attention_heads": 8,
        "num_key_value_heads": 2, "vocab_size": 8192}
SEED = 5000


def main() -> None:
  if len(sys.argv) != 2:
    sys.exit(__doc__)
  torch.manual_seed(SEED)
  config = tiny.make_config({}, TEXT, "F32")
  model = ref.Qwen2AudioForConditionalGeneration(ref.SpeechLMConfig.from_dict(config))
  tiny.init_weights(model, SEED, 0.5, 0.05)
  info = tiny.write_checkpoint(sys.argv[1], model, config, "F32", 1, tiny.build_vocab(TEXT["vocab_size"]))
  print("wrote %s: %d parameters, %d tensors" % (sys.argv[1], info["parameters"], info["tensors"]))


if __name__ == "__main__":
  main()
