#!/usr/bin/python3
"""Loss and gradients of the SpeechLM training loss on a fixed batch, for the Java parity test.

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/speechlm_train_reference.py

Writes ser-model/src/test/resources/fixtures/speechlm_train/gradients.json.

The loss is the one SpeechLm.trainingLoss defines (docs/speechlm.md, "Training"): every item is run
ALONE and unpadded through the plain-torch reference model (speechlm_reference.py), the row before each
target id predicts it, and loss = sum_i w_i * (-log softmax(z_i)[y_i]) / sum_i w_i over all targets of
the batch. The Java side pads the batch; agreement therefore also checks that padding changes nothing.
Every parameter trains (encoder convs and layers, projector, decoder, embeddings) except
audio_tower.embed_positions.weight (frozen, as in Hugging Face). Computed in float64 (the fixture) and
float32 (the gap is recorded). oneDNN is disabled: torch 1.13's oneDNN conv1d backward gave NaN
gradients on this machine (GUIDE 2b).

Fixture: the batch (clip ids + frame counts from fixtures/speechlm, input ids, loss weights), per
checkpoint the loss, every trainable tensor's gradient L2 norm and max |g|, and slices of 16 gradient
values at fixed flat offsets of selected tensors.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speechlm_reference as ref  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RES = os.path.join(REPO, "ser-model", "src", "test", "resources")
FIX_IN = os.path.join(RES, "fixtures", "speechlm")
FIX_OUT = os.path.join(RES, "fixtures", "speechlm_train")
CHECKPOINTS = ["tiny-untied", "tiny-tied"]
SLICE_LEN = 16
SLICED = ["audio_tower.conv1.weight", "audio_tower.conv2.bias", "audio_tower.layers.0.self_attn.k_proj.weight",
          "audio_tower.layer_norm.weight", "multi_modal_projector.linear.weight",
          "language_model.model.embed_tokens.weight", "language_model.model.layers.1.self_attn.q_proj.bias",
          "language_model.model.layers.2.mlp.down_proj.weight", "language_model.model.norm.weight",
          "language_model.lm_head.weight"]

AUDIO_PROMPT = [1, 19, 7, 24, 26, 27, 42, 85, 8, 2, 7, 1, 20, 7, 47, 124, 10, 4, 3, 5, 7, 22, 30, 29, 42,
                33, 29, 49, 12, 2, 7, 1, 21, 7]
TEXT_PROMPT = [1, 20, 7, 45, 10, 134, 155, 158, 148, 140, 6, 8, 7, 22, 30, 29, 42, 12, 2, 7, 1, 21, 7]


def batch_spec():
  """(clip id or None, mel frames kept, input ids, loss weights) per item."""
  items = []
  for clip, frames, answer, w in (("03a01Fa", 200, [60, 61, 62, 2], 1.0),
                                  ("14a01Aa_cut", 137, [70, 2], 1.0),
                                  ("03a01Fa", 63, [80, 81, 82, 83, 84, 2], 0.5),
                                  (None, 0, [90, 91, 2], 2.0)):
    prompt = AUDIO_PROMPT if clip else TEXT_PROMPT
    ids = prompt + answer
    weights = [0.0] * len(prompt) + [w] * len(answer)
    weights[-1] = 1.0  # the EOS target weighted 1 in every item
    items.append({"clip": clip, "mel_frames": frames, "input_ids": ids, "loss_weights": weights})
  return items


def load_mel(clip: str, frames: int) -> torch.Tensor:
  with open(os.path.join(FIX_IN, "manifest.json"), encoding="utf-8") as f:
    man = json.load(f)
  c = next(c for c in man["clips"] if c["id"] == clip)
  full = np.fromfile(os.path.join(FIX_IN, c["log_mel_80"]["file"]), "<f4").reshape(c["log_mel_80"]["shape"])
  return torch.from_numpy(full[:, :frames].copy())


def loss_and_grads(ckpt_dir: str, items, dtype):
  model, _ = ref.load_model(ckpt_dir, dtype)
  model.train()
  for name, p in model.named_parameters():
    p.requires_grad_(name != "audio_tower.embed_positions.weight")
  total = torch.zeros((), dtype=dtype)
  wsum = 0.0
  for it in items:
    mel = load_mel(it["clip"], it["mel_frames"]).to(dtype) if it["clip"] else None
    ids = it["input_ids"]
    logits = model.forward_logits(ids, mel)  # (S, V), unpadded
    logp = torch.log_softmax(logits, dim=-1)
    slot = ids.index(model.config.audio_token_index) if mel is not None else -1
    n = ref.audio_output_frames(it["mel_frames"]) if mel is not None else 0
    for k in range(1, len(ids)):
      w = it["loss_weights"][k]
      if w > 0:
        pos = k + n - 1 if (slot >= 0 and k > slot) else k
        total = total - w * logp[pos - 1, ids[k]]
        wsum += w
  loss = total / wsum
  loss.backward()
  grads = {}
  sd = ref.checkpoint_state_dict(model)
  for name, p in model.named_parameters():
    if name in sd and p.requires_grad:
      grads[name] = p.grad.detach().clone()
  return float(loss), grads


def main() -> None:
  torch.set_num_threads(1)
  torch.backends.mkldnn.enabled = False
  items = batch_spec()
  out = {"generator": "tools/reference/speechlm_train_reference.py", "torch": torch.__version__,
         "batch": items, "slice_len": SLICE_LEN, "checkpoints": []}
  for ck in CHECKPOINTS:
    d = os.path.join(RES, "checkpoints", ck)
    loss64, g64 = loss_and_grads(d, items, torch.float64)
    loss32, g32 = loss_and_grads(d, items, torch.float32)
    entry = {"name": ck, "dir": "checkpoints/" + ck, "loss": loss64, "loss_fp32": loss32, "tensors": {}}
    worst = 0.0
    for name, g in g64.items():
      flat = g.flatten()
      norm = float(flat.norm())
      rel32 = float((g32[name].double() - g).norm()) / max(norm, 1e-30)
      worst = max(worst, rel32)
      t = {"shape": list(g.shape), "norm": norm, "max_abs": float(flat.abs().max())}
      if name in SLICED:
        # offsets spread over the tensor, fixed by its size
        start = max(0, min(flat.numel() // 3, flat.numel() - SLICE_LEN))
        t["slice_offset"] = start
        t["slice"] = [float(v) for v in flat[start:start + SLICE_LEN]]
      entry["tensors"][name] = t
    entry["fp32_vs_fp64_worst_relative_norm_error"] = worst
    print("%-12s loss %.10f (fp32 %.10f), %d tensors, worst fp32 rel. error %.2e"
          % (ck, loss64, loss32, len(g64), worst))
    out["checkpoints"].append(entry)
  os.makedirs(FIX_OUT, exist_ok=True)
  with open(os.path.join(FIX_OUT, "gradients.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1)
  print("wrote", os.path.join(FIX_OUT, "gradients.json"))


if __name__ == "__main__":
  main()
