#!/usr/bin/python3
"""Time of one full training step (forward, backward, clip, AdamW) of the SpeechLM presets in plain
torch eager mode, for comparison with SpeechLmTrainingBenchmarkTest (same shapes: batch 8 x 300 mel
frames, the same 35-token prompt + 12-token answer layout, tied embeddings, vocab 300).

Usage: OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/speechlm_train_bench.py [THREADS]
"""
import sys
import time
import os

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speechlm_reference as ref  # noqa: E402

PRESETS = {  # d_model, enc layers, enc heads, enc ffn, hidden, dec layers, heads, kv heads, intermediate
    "tiny": (128, 2, 4, 512, 192, 2, 4, 2, 512),
    "small": (192, 4, 4, 768, 256, 4, 4, 2, 768),
}
BATCH, FRAMES, PROMPT, ANSWER, VOCAB, AUDIO_ID = 8, 300, 35, 12, 300, 3


def config(p):
  d, el, eh, ef, h, dl, dh, kv, inter = PRESETS[p]
  return ref.SpeechLMConfig.from_dict({
      "model_type": "qwen2_audio", "audio_token_index": AUDIO_ID,
      "audio_config": {"num_mel_bins": 80, "encoder_layers": el, "encoder_attention_heads": eh,
                       "encoder_ffn_dim": ef, "d_model": d, "max_source_positions": 1500},
      "text_config": {"vocab_size": VOCAB, "hidden_size": h, "intermediate_size": inter, "num_hidden_layers": dl,
                      "num_attention_heads": dh, "num_key_value_heads": kv, "max_position_embeddings": 4096,
                      "tie_word_embeddings": True}})


def main():
  threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
  torch.set_num_threads(threads)
  torch.backends.mkldnn.enabled = False
  torch.manual_seed(0)
  for p in PRESETS:
    m = ref.Qwen2AudioForConditionalGeneration(config(p))
    m.language_model.lm_head.weight = m.language_model.model.embed_tokens.weight
    m.audio_tower.embed_positions.weight.requires_grad_(False)
    params = [q for q in m.parameters() if q.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    mel = torch.randn(BATCH, 80, FRAMES)
    ids = torch.randint(6, VOCAB, (PROMPT + ANSWER,))
    ids[10] = AUDIO_ID
    n = ref.audio_output_frames(FRAMES)
    times = []
    for step in range(8):
      t0 = time.perf_counter()
      enc = m.audio_tower(mel)
      proj = m.multi_modal_projector(enc["last_hidden_state"])  # (B, N, H)
      emb = m.language_model.model.embed_tokens(ids)
      x = torch.cat([emb[None, :10].expand(BATCH, -1, -1), proj, emb[None, 11:].expand(BATCH, -1, -1)], dim=1)
      logits = m.language_model(x)  # (B, S, V)
      s = x.shape[1]
      tgt = logits[:, s - ANSWER - 1:s - 1].reshape(-1, VOCAB)
      loss = torch.nn.functional.cross_entropy(tgt, ids[-ANSWER:].repeat(BATCH))
      opt.zero_grad()
      loss.backward()
      torch.nn.utils.clip_grad_norm_(params, 1.0)
      opt.step()
      if step >= 2:
        times.append(time.perf_counter() - t0)
    times.sort()
    print("torch %s: %d params, batch %d x %d frames, %d thread(s): median %.0f ms, min %.0f ms"
          % (p, sum(q.numel() for q in m.parameters()), BATCH, FRAMES, threads, 1e3 * times[len(times) // 2],
             1e3 * times[0]))


if __name__ == "__main__":
  main()
