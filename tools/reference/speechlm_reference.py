#!/usr/bin/python3
"""Plain-torch reference of the Qwen2-Audio SpeechLM architecture (ser4j's SpeechLM spec).

Written from a reading of Hugging Face transformers' modeling_qwen2_audio.py, modeling_whisper.py and
modeling_qwen2.py (the `transformers` package is not installable here); no code is copied. Module and
attribute names follow the Hugging Face classes so that ``model.state_dict()`` keys are exactly the keys
of a Hugging Face Qwen2-Audio checkpoint (``audio_tower.*``, ``multi_modal_projector.linear.*``,
``language_model.model.*``, ``language_model.lm_head.weight``). See tools/reference/README.md for the
normative description the Java implementation follows.

Also here: a config loader reading config.json with the Hugging Face field names, a hand-written
safetensors reader/writer (F32/BF16/F16/I64; single file or sharded with model.safetensors.index.json),
greedy generation with and without a KV cache, the merge of audio frames into the prompt, and the
Whisper log-mel front end (re-used from logmel_reference.py).

Usage:
  /usr/bin/python3 tools/reference/speechlm_reference.py --verify-fixtures
      recompute every committed fixture from the committed checkpoints; print fp32 error, fp64-vs-fp32
      gap and KV-cache-vs-recompute greedy parity
  /usr/bin/python3 tools/reference/speechlm_reference.py CHECKPOINT_DIR [WAV]
      load a checkpoint and compare cached and uncached greedy decoding of a short prompt
"""
import json
import math
import os
import struct
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logmel_reference  # noqa: E402  (Whisper log-mel: log_mel_spectrogram, mel_filters, load_16k)

SAMPLE_RATE_HZ = 16000
HOP_LENGTH_SAMPLES = 160


# ---------------------------------------------------------------------------------------------------
# configuration (field names and defaults of Qwen2AudioEncoderConfig / Qwen2Config / Qwen2AudioConfig)
# ---------------------------------------------------------------------------------------------------
@dataclass
class AudioConfig:
  """`audio_config` of config.json (Qwen2AudioEncoderConfig; defaults are the Hugging Face defaults)."""
  num_mel_bins: int = 128
  encoder_layers: int = 32
  encoder_attention_heads: int = 20
  encoder_ffn_dim: int = 5120
  d_model: int = 1280
  activation_function: str = "gelu"
  max_source_positions: int = 1500
  scale_embedding: bool = False
  layer_norm_eps: float = 1e-5  # not a config field in HF: nn.LayerNorm default

  @staticmethod
  def from_dict(d: dict) -> "AudioConfig":
    c = AudioConfig()
    for k in ("num_mel_bins", "encoder_layers", "encoder_attention_heads", "encoder_ffn_dim",
              "d_model", "activation_function", "max_source_positions", "scale_embedding"):
      if k in d:
        setattr(c, k, d[k])
    if c.activation_function != "gelu":
      raise ValueError("audio_config.activation_function %r: only 'gelu' (exact erf GELU) is supported"
                       % c.activation_function)
    if c.d_model % c.encoder_attention_heads != 0:
      raise ValueError("audio_config.d_model %d not divisible by encoder_attention_heads %d"
                       % (c.d_model, c.encoder_attention_heads))
    return c


@dataclass
class TextConfig:
  """`text_config` of config.json (Qwen2Config; defaults are the Hugging Face defaults)."""
  vocab_size: int = 151936
  hidden_size: int = 4096
  intermediate_size: int = 22016
  num_hidden_layers: int = 32
  num_attention_heads: int = 32
  num_key_value_heads: Optional[int] = None  # HF: None -> num_attention_heads
  head_dim: Optional[int] = None             # HF: absent -> hidden_size // num_attention_heads
  hidden_act: str = "silu"
  max_position_embeddings: int = 32768
  rms_norm_eps: float = 1e-6
  rope_theta: float = 10000.0
  tie_word_embeddings: bool = False

  @staticmethod
  def from_dict(d: dict) -> "TextConfig":
    c = TextConfig()
    for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
              "num_attention_heads", "num_key_value_heads", "head_dim", "hidden_act",
              "max_position_embeddings", "rms_norm_eps", "rope_theta", "tie_word_embeddings"):
      if k in d and d[k] is not None:
        setattr(c, k, d[k])
    if c.num_key_value_heads is None:
      c.num_key_value_heads = c.num_attention_heads
    if c.head_dim is None:
      c.head_dim = c.hidden_size // c.num_attention_heads
    if c.num_attention_heads % c.num_key_value_heads != 0:
      raise ValueError("text_config.num_attention_heads %d not a multiple of num_key_value_heads %d"
                       % (c.num_attention_heads, c.num_key_value_heads))
    if c.hidden_act != "silu":
      raise ValueError("text_config.hidden_act %r: only 'silu' is supported" % c.hidden_act)
    rs = d.get("rope_scaling")
    if rs not in (None, {}) and rs.get("rope_type", rs.get("type", "default")) != "default":
      raise ValueError("text_config.rope_scaling %r: only default RoPE is supported" % rs)
    return c


@dataclass
class SpeechLMConfig:
  """Top-level config.json of a Qwen2AudioForConditionalGeneration checkpoint."""
  audio_config: AudioConfig = field(default_factory=AudioConfig)
  text_config: TextConfig = field(default_factory=TextConfig)
  audio_token_index: int = 151646
  raw: dict = field(default_factory=dict)

  @staticmethod
  def from_dict(d: dict) -> "SpeechLMConfig":
    if d.get("model_type") != "qwen2_audio":
      raise ValueError("config.json model_type %r: expected 'qwen2_audio'" % d.get("model_type"))
    text = dict(d.get("text_config") or {})
    # tie_word_embeddings: text_config's value wins; the top-level value is the fallback
    if "tie_word_embeddings" not in text and "tie_word_embeddings" in d:
      text["tie_word_embeddings"] = d["tie_word_embeddings"]
    return SpeechLMConfig(AudioConfig.from_dict(d.get("audio_config") or {}),
                          TextConfig.from_dict(text),
                          int(d.get("audio_token_index", d.get("audio_token_id", 151646))), d)

  @staticmethod
  def load(checkpoint_dir: str) -> "SpeechLMConfig":
    with open(os.path.join(checkpoint_dir, "config.json"), encoding="utf-8") as f:
      return SpeechLMConfig.from_dict(json.load(f))


# ---------------------------------------------------------------------------------------------------
# audio tower: Qwen2AudioEncoder (Whisper encoder + 2x average pooling before the final LayerNorm)
# ---------------------------------------------------------------------------------------------------
def whisper_sinusoids(length: int, channels: int, max_timescale: float = 10000.0) -> torch.Tensor:
  """Whisper's sinusoidal position table (length, channels): [sin(t * inv) | cos(t * inv)]."""
  assert channels % 2 == 0
  log_timescale_increment = math.log(max_timescale) / (channels // 2 - 1)
  inv_timescales = torch.exp(-log_timescale_increment * torch.arange(channels // 2, dtype=torch.float64))
  scaled_time = torch.arange(length, dtype=torch.float64)[:, None] * inv_timescales[None, :]
  return torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1).float()


class Qwen2AudioAttention(nn.Module):
  """Bidirectional multi-head attention; q/v/out biased, k unbiased; q scaled by head_dim^-0.5."""

  def __init__(self, embed_dim: int, num_heads: int):
    super().__init__()
    self.num_heads = num_heads
    self.head_dim = embed_dim // num_heads
    self.scaling = self.head_dim ** -0.5
    self.k_proj = nn.Linear(embed_dim, embed_dim, bias=False)
    self.v_proj = nn.Linear(embed_dim, embed_dim, bias=True)
    self.q_proj = nn.Linear(embed_dim, embed_dim, bias=True)
    self.out_proj = nn.Linear(embed_dim, embed_dim, bias=True)

  def forward(self, x: torch.Tensor, key_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    """x (B, T, D); key_mask (B, T) bool, True = padding key (gets -inf) -> (B, T, D)."""
    b, t, d = x.shape
    q = (self.q_proj(x) * self.scaling).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
    k = self.k_proj(x).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
    v = self.v_proj(x).view(b, t, self.num_heads, self.head_dim).transpose(1, 2)
    w = q @ k.transpose(2, 3)  # (B, H, T, T)
    if key_mask is not None:
      w = w.masked_fill(key_mask[:, None, None, :], float("-inf"))
    w = torch.softmax(w, dim=-1)
    o = (w @ v).transpose(1, 2).reshape(b, t, d)
    return self.out_proj(o)


class Qwen2AudioEncoderLayer(nn.Module):
  """Pre-LN block: x + attn(LN(x)); x + fc2(gelu(fc1(LN(x))))."""

  def __init__(self, c: AudioConfig):
    super().__init__()
    self.self_attn = Qwen2AudioAttention(c.d_model, c.encoder_attention_heads)
    self.self_attn_layer_norm = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)
    self.fc1 = nn.Linear(c.d_model, c.encoder_ffn_dim)
    self.fc2 = nn.Linear(c.encoder_ffn_dim, c.d_model)
    self.final_layer_norm = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)

  def forward(self, x: torch.Tensor, key_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
    x = x + self.self_attn(self.self_attn_layer_norm(x), key_mask)
    return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


def conv_output_frames(mel_frames: int) -> int:
  """Frames after conv2 (k=3, stride 2, pad 1): (M - 1) // 2 + 1 = ceil(M / 2)."""
  return (mel_frames - 1) // 2 + 1


def audio_output_frames(mel_frames: int) -> int:
  """Frames after AvgPool1d(2, 2) = audio tokens: floor(conv_output_frames / 2)."""
  return conv_output_frames(mel_frames) // 2


class Qwen2AudioEncoder(nn.Module):
  """mel (B, num_mel_bins, M) -> dict(hidden (B, ceil(M/2), D) after the layers,
  pooled (B, floor(ceil(M/2)/2), D) after avg pooling, last_hidden_state = layer_norm(pooled))."""

  def __init__(self, c: AudioConfig):
    super().__init__()
    self.config = c
    self.conv1 = nn.Conv1d(c.num_mel_bins, c.d_model, kernel_size=3, padding=1)
    self.conv2 = nn.Conv1d(c.d_model, c.d_model, kernel_size=3, stride=2, padding=1)
    self.embed_positions = nn.Embedding(c.max_source_positions, c.d_model)
    self.layers = nn.ModuleList([Qwen2AudioEncoderLayer(c) for _ in range(c.encoder_layers)])
    self.layer_norm = nn.LayerNorm(c.d_model, eps=c.layer_norm_eps)
    self.avg_pooler = nn.AvgPool1d(2, stride=2)

  def forward(self, mel: torch.Tensor, mel_lengths: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
    c = self.config
    if mel.dim() != 3 or mel.shape[1] != c.num_mel_bins:
      raise ValueError("mel shape %s: expected (batch, %d, frames)" % (tuple(mel.shape), c.num_mel_bins))
    x = F.gelu(self.conv1(mel))
    x = F.gelu(self.conv2(x)).permute(0, 2, 1)  # (B, T, D)
    t = x.shape[1]
    if t > c.max_source_positions:
      raise ValueError("%d mel frames give %d encoder positions > max_source_positions %d"
                       % (mel.shape[2], t, c.max_source_positions))
    x = x * (math.sqrt(c.d_model) if c.scale_embedding else 1.0)
    x = x + self.embed_positions.weight[:t]
    key_mask = None
    if mel_lengths is not None:  # padded batch: keys at conv frames >= (len - 1) // 2 + 1 are masked
      valid = (mel_lengths - 1) // 2 + 1
      key_mask = torch.arange(t)[None, :] >= valid[:, None]
    for layer in self.layers:
      x = layer(x, key_mask)
    hidden = x
    pooled = self.avg_pooler(x.permute(0, 2, 1)).permute(0, 2, 1)
    return {"hidden": hidden, "pooled": pooled, "last_hidden_state": self.layer_norm(pooled)}


class Qwen2AudioMultiModalProjector(nn.Module):
  def __init__(self, audio_dim: int, text_dim: int):
    super().__init__()
    self.linear = nn.Linear(audio_dim, text_dim, bias=True)

  def forward(self, x: torch.Tensor) -> torch.Tensor:
    return self.linear(x)


# ---------------------------------------------------------------------------------------------------
# language model: Qwen2ForCausalLM
# ---------------------------------------------------------------------------------------------------
class Qwen2RMSNorm(nn.Module):
  def __init__(self, hidden_size: int, eps: float):
    super().__init__()
    self.weight = nn.Parameter(torch.ones(hidden_size))
    self.variance_epsilon = eps

  def forward(self, x: torch.Tensor) -> torch.Tensor:
    variance = x.pow(2).mean(-1, keepdim=True)
    return self.weight * (x * torch.rsqrt(variance + self.variance_epsilon))


def rope_cos_sin(position_ids: torch.Tensor, head_dim: int, theta: float, dtype) -> Tuple[torch.Tensor, torch.Tensor]:
  """position_ids (T,) -> cos, sin (T, head_dim): inv_freq = theta^(-2i/head_dim), emb = [f | f]."""
  # computed in float32 as transformers does (float64 for the float64 reference run)
  work = torch.float64 if dtype == torch.float64 else torch.float32
  inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).to(work) / head_dim))
  freqs = position_ids.to(work)[:, None] * inv_freq[None, :]
  emb = torch.cat([freqs, freqs], dim=-1)
  return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
  h = x.shape[-1] // 2
  return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


class Qwen2Attention(nn.Module):
  """Causal GQA attention with RoPE; q/k/v biased, o unbiased."""

  def __init__(self, c: TextConfig):
    super().__init__()
    self.c = c
    self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * c.head_dim, bias=True)
    self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=True)
    self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=True)
    self.o_proj = nn.Linear(c.num_attention_heads * c.head_dim, c.hidden_size, bias=False)

  def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
              cache: Optional[List[torch.Tensor]]) -> torch.Tensor:
    """x (B, T, hidden); cos/sin (T, head_dim); cache [k, v] each (B, kv_heads, S, head_dim) or empty list."""
    c = self.c
    b, t, _ = x.shape
    q = self.q_proj(x).view(b, t, c.num_attention_heads, c.head_dim).transpose(1, 2)
    k = self.k_proj(x).view(b, t, c.num_key_value_heads, c.head_dim).transpose(1, 2)
    v = self.v_proj(x).view(b, t, c.num_key_value_heads, c.head_dim).transpose(1, 2)
    q = q * cos + rotate_half(q) * sin
    k = k * cos + rotate_half(k) * sin
    past = 0
    if cache is not None:
      if cache:
        past = cache[0].shape[2]
        k = torch.cat([cache[0], k], dim=2)
        v = torch.cat([cache[1], v], dim=2)
      cache[:] = [k, v]
    n_rep = c.num_attention_heads // c.num_key_value_heads
    k = k.repeat_interleave(n_rep, dim=1)  # query head h reads kv head h // n_rep
    v = v.repeat_interleave(n_rep, dim=1)
    w = (q @ k.transpose(2, 3)) * (c.head_dim ** -0.5)  # (B, H, T, past + T)
    s = past + t
    causal = torch.arange(s)[None, :] > (past + torch.arange(t))[:, None]
    w = w.masked_fill(causal[None, None], float("-inf"))
    w = torch.softmax(w, dim=-1)
    o = (w @ v).transpose(1, 2).reshape(b, t, c.num_attention_heads * c.head_dim)
    return self.o_proj(o)


class Qwen2MLP(nn.Module):
  def __init__(self, c: TextConfig):
    super().__init__()
    self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
    self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
    self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

  def forward(self, x: torch.Tensor) -> torch.Tensor:
    return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Qwen2DecoderLayer(nn.Module):
  def __init__(self, c: TextConfig):
    super().__init__()
    self.self_attn = Qwen2Attention(c)
    self.mlp = Qwen2MLP(c)
    self.input_layernorm = Qwen2RMSNorm(c.hidden_size, c.rms_norm_eps)
    self.post_attention_layernorm = Qwen2RMSNorm(c.hidden_size, c.rms_norm_eps)

  def forward(self, x, cos, sin, cache):
    x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache)
    return x + self.mlp(self.post_attention_layernorm(x))


class Qwen2Model(nn.Module):
  def __init__(self, c: TextConfig):
    super().__init__()
    self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
    self.layers = nn.ModuleList([Qwen2DecoderLayer(c) for _ in range(c.num_hidden_layers)])
    self.norm = Qwen2RMSNorm(c.hidden_size, c.rms_norm_eps)


class Qwen2ForCausalLM(nn.Module):
  def __init__(self, c: TextConfig):
    super().__init__()
    self.config = c
    self.model = Qwen2Model(c)
    self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
    if c.tie_word_embeddings:
      self.lm_head.weight = self.model.embed_tokens.weight

  def forward(self, inputs_embeds: torch.Tensor, start_position: int = 0,
              cache: Optional[List[List[torch.Tensor]]] = None) -> torch.Tensor:
    """inputs_embeds (B, T, hidden) at positions start_position.. -> logits (B, T, vocab)."""
    c = self.config
    t = inputs_embeds.shape[1]
    if start_position + t > c.max_position_embeddings:
      raise ValueError("sequence of %d positions > max_position_embeddings %d"
                       % (start_position + t, c.max_position_embeddings))
    cos, sin = rope_cos_sin(torch.arange(start_position, start_position + t), c.head_dim, c.rope_theta,
                            inputs_embeds.dtype)
    x = inputs_embeds
    for i, layer in enumerate(self.model.layers):
      x = layer(x, cos, sin, None if cache is None else cache[i])
    return self.lm_head(self.model.norm(x))


# ---------------------------------------------------------------------------------------------------
# the full model
# ---------------------------------------------------------------------------------------------------
class Qwen2AudioForConditionalGeneration(nn.Module):
  def __init__(self, config: SpeechLMConfig):
    super().__init__()
    self.config = config
    self.audio_tower = Qwen2AudioEncoder(config.audio_config)
    self.multi_modal_projector = Qwen2AudioMultiModalProjector(config.audio_config.d_model,
                                                               config.text_config.hidden_size)
    self.language_model = Qwen2ForCausalLM(config.text_config)

  def encode_audio(self, mel: torch.Tensor) -> Dict[str, torch.Tensor]:
    """mel (num_mel_bins, M) of one clip -> encoder outputs (batch 1) plus `projected` (1, N, hidden)."""
    out = self.audio_tower(mel[None])
    out["projected"] = self.multi_modal_projector(out["last_hidden_state"])
    return out

  def embed_prompt(self, input_ids: List[int], audio_features: Optional[torch.Tensor]) -> torch.Tensor:
    """The single `audio_token_index` in input_ids is replaced in place by all N audio frames
    (audio_features (N, hidden)); returns (1, len(input_ids) - 1 + N, hidden), positions 0.. consecutive."""
    ids = torch.tensor(input_ids, dtype=torch.long)
    if ids.numel() == 0 or int(ids.min()) < 0 or int(ids.max()) >= self.config.text_config.vocab_size:
      raise ValueError("input ids out of range [0, %d)" % self.config.text_config.vocab_size)
    emb = self.language_model.model.embed_tokens(ids)
    slots = (ids == self.config.audio_token_index).nonzero().flatten().tolist()
    if audio_features is None:
      if slots:
        raise ValueError("prompt holds audio_token_index %d but no audio was given" % self.config.audio_token_index)
      return emb[None]
    if len(slots) != 1:
      raise ValueError("prompt must hold exactly one audio_token_index %d with one clip, found %d"
                       % (self.config.audio_token_index, len(slots)))
    p = slots[0]
    return torch.cat([emb[:p], audio_features.to(emb.dtype), emb[p + 1:]], dim=0)[None]

  def forward_logits(self, input_ids: List[int], mel: Optional[torch.Tensor]) -> torch.Tensor:
    feats = None if mel is None else self.encode_audio(mel)["projected"][0]
    return self.language_model(self.embed_prompt(input_ids, feats))[0]

  @torch.no_grad()
  def generate_greedy(self, input_ids: List[int], mel: Optional[torch.Tensor], max_new_tokens: int,
                      use_cache: bool = True) -> Tuple[List[int], List[float]]:
    """Greedy continuation (argmax, lowest id on ties, no early stop). Returns (new ids, top1 - top2 gaps)."""
    feats = None if mel is None else self.encode_audio(mel)["projected"][0]
    embeds = self.embed_prompt(input_ids, feats)
    lm = self.language_model
    out, gaps = [], []
    if use_cache:
      cache = [[] for _ in lm.model.layers]
      logits = lm(embeds, 0, cache)[0, -1]
      pos = embeds.shape[1]
      for step in range(max_new_tokens):
        nxt, gap = _argmax_gap(logits)
        out.append(nxt)
        gaps.append(gap)
        if step + 1 == max_new_tokens:
          break
        e = lm.model.embed_tokens(torch.tensor([[nxt]]))
        logits = lm(e, pos, cache)[0, -1]
        pos += 1
    else:
      seq = embeds
      for _ in range(max_new_tokens):
        logits = lm(seq)[0, -1]
        nxt, gap = _argmax_gap(logits)
        out.append(nxt)
        gaps.append(gap)
        seq = torch.cat([seq, lm.model.embed_tokens(torch.tensor([[nxt]]))], dim=1)
    return out, gaps


def _argmax_gap(logits: torch.Tensor) -> Tuple[int, float]:
  top = torch.topk(logits.double(), 2)
  return int(torch.argmax(logits)), float(top.values[0] - top.values[1])


# ---------------------------------------------------------------------------------------------------
# safetensors (by hand)
# ---------------------------------------------------------------------------------------------------
_DT_TO_NP = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4"}
SAFETENSORS_HEADER_ALIGN_BYTES = 8


def _tensor_bytes(t: torch.Tensor, dtype: str) -> bytes:
  t = t.detach().contiguous().cpu()
  if dtype == "BF16":
    return t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes()
  return t.numpy().astype(_DT_TO_NP[dtype]).tobytes()


def save_safetensors(path: str, tensors: Dict[str, torch.Tensor], dtype: str = "F32",
                     metadata: Optional[Dict[str, str]] = None) -> int:
  """Writes tensors (name order kept) as `dtype`; returns the data size in bytes."""
  header = {"__metadata__": metadata or {"format": "pt"}}
  blobs, off = [], 0
  for name, t in tensors.items():
    b = _tensor_bytes(t, dtype)
    header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
  h = json.dumps(header, separators=(",", ":")).encode("utf-8")
  h += b" " * (-len(h) % SAFETENSORS_HEADER_ALIGN_BYTES)
  with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(h)))
    f.write(h)
    for b in blobs:
      f.write(b)
  return off


def load_safetensors(path: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
  """Returns ({name: float32 tensor (BF16/F16 widened)}, {name: stored dtype})."""
  with open(path, "rb") as f:
    raw = f.read()
  (n,) = struct.unpack("<Q", raw[:8])
  if n > len(raw) - 8:
    raise ValueError("%s: header length %d exceeds file size %d" % (path, n, len(raw)))
  header = json.loads(raw[8:8 + n].decode("utf-8"))
  data = raw[8 + n:]
  out, dtypes = {}, {}
  for name, info in header.items():
    if name == "__metadata__":
      continue
    s, e = info["data_offsets"]
    shape, dt = info["shape"], info["dtype"]
    buf = data[s:e]
    if dt == "BF16":
      bits = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
      arr = bits.view(np.float32)
    else:
      arr = np.frombuffer(buf, dtype=_DT_TO_NP[dt])
    if arr.size != int(np.prod(shape)):
      raise ValueError("%s: tensor %s has %d elements, shape %s" % (path, name, arr.size, shape))
    out[name] = torch.from_numpy(arr.reshape(shape).astype(np.float32 if dt != "I64" else np.int64))
    dtypes[name] = dt
  return out, dtypes


def load_checkpoint_tensors(checkpoint_dir: str) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
  """model.safetensors, or every shard named in model.safetensors.index.json's weight_map."""
  index = os.path.join(checkpoint_dir, "model.safetensors.index.json")
  if os.path.exists(index):
    with open(index, encoding="utf-8") as f:
      weight_map = json.load(f)["weight_map"]
    tensors, dtypes = {}, {}
    for shard in sorted(set(weight_map.values())):
      t, d = load_safetensors(os.path.join(checkpoint_dir, shard))
      for k in t:
        if weight_map.get(k) != shard:
          raise ValueError("%s holds %s, which the index maps to %s" % (shard, k, weight_map.get(k)))
      tensors.update(t)
      dtypes.update(d)
    missing = set(weight_map) - set(tensors)
    if missing:
      raise ValueError("index names tensors missing from the shards: %s" % sorted(missing))
    return tensors, dtypes
  return load_safetensors(os.path.join(checkpoint_dir, "model.safetensors"))


def checkpoint_state_dict(model: Qwen2AudioForConditionalGeneration) -> Dict[str, torch.Tensor]:
  """state_dict as Hugging Face saves it: tied lm_head.weight left out."""
  sd = model.state_dict()
  if model.config.text_config.tie_word_embeddings:
    sd.pop("language_model.lm_head.weight")
  return sd


def load_model(checkpoint_dir: str, dtype=torch.float32) -> Tuple[Qwen2AudioForConditionalGeneration, Dict[str, str]]:
  config = SpeechLMConfig.load(checkpoint_dir)
  model = Qwen2AudioForConditionalGeneration(config)
  tensors, dtypes = load_checkpoint_tensors(checkpoint_dir)
  expected = checkpoint_state_dict(model)
  missing = sorted(set(expected) - set(tensors))
  unexpected = sorted(set(tensors) - set(expected))
  if missing or unexpected:
    raise ValueError("%s: missing %s, unexpected %s" % (checkpoint_dir, missing, unexpected))
  for k, v in expected.items():
    if tuple(tensors[k].shape) != tuple(v.shape):
      raise ValueError("%s: shape %s, expected %s" % (k, tuple(tensors[k].shape), tuple(v.shape)))
  model.load_state_dict(tensors, strict=False)
  model.eval()
  return model.to(dtype), dtypes


# ---------------------------------------------------------------------------------------------------
# audio front end
# ---------------------------------------------------------------------------------------------------
_FILTERS: Dict[int, torch.Tensor] = {}


def log_mel(audio_16k: torch.Tensor, n_mels: int) -> torch.Tensor:
  """Whisper log-mel of an unpadded 16 kHz clip -> (n_mels, n_samples // 160), float32."""
  if n_mels not in _FILTERS:
    _FILTERS[n_mels] = torch.from_numpy(logmel_reference.mel_filters(SAMPLE_RATE_HZ, 400, n_mels))
  lm = logmel_reference.log_mel_spectrogram(audio_16k.float(), _FILTERS[n_mels])
  assert lm.shape[1] == audio_16k.shape[0] // HOP_LENGTH_SAMPLES
  return lm


def verify_fixtures(repo: str) -> float:
  """Recomputes every committed fixture from the committed checkpoints (fp32 and fp64), prints the
  fp32 error against the fixture, the fp64-vs-fp32 gap and KV-cache-vs-recompute greedy parity."""
  fix = os.path.join(repo, "ser-model", "src", "test", "resources", "fixtures", "speechlm")
  with open(os.path.join(fix, "manifest.json"), encoding="utf-8") as f:
    man = json.load(f)
  mels = {c["id"]: torch.from_numpy(np.fromfile(os.path.join(fix, c["log_mel_80"]["file"]), "<f4")
                                    .reshape(c["log_mel_80"]["shape"])) for c in man["clips"]}
  worst = 0.0
  print("%-13s %-12s %-17s %10s %10s %9s %9s" % ("checkpoint", "case", "output", "|fix-fp32|", "|fp64-fp32|",
                                                 "kv==full", "ids==fix"))
  for ck in man["checkpoints"]:
    cdir = os.path.join(repo, "ser-model", "src", "test", "resources", ck["dir"])
    m32, _ = load_model(cdir, torch.float32)
    m64, _ = load_model(cdir, torch.float64)
    for case in ck["cases"]:
      mel = mels[case["clip"]] if case["clip"] else None
      with torch.no_grad():
        outs = {}
        for tag, m, dt in (("32", m32, torch.float32), ("64", m64, torch.float64)):
          o = {}
          feats = None
          if mel is not None:
            enc = m.encode_audio(mel.to(dt))
            o.update(encoder_hidden=enc["hidden"][0], encoder_pooled=enc["pooled"][0],
                     encoder_output=enc["last_hidden_state"][0], projector_output=enc["projected"][0])
            feats = enc["projected"][0]
          o["logits"] = m.language_model(m.embed_prompt(case["input_ids"], feats))[0]
          outs[tag] = o
      g_kv, _ = m32.generate_greedy(case["input_ids"], mel, len(case["greedy_ids"]), use_cache=True)
      g_full, _ = m32.generate_greedy(case["input_ids"], mel, len(case["greedy_ids"]), use_cache=False)
      for k, v in outs["32"].items():
        ref_arr = np.fromfile(os.path.join(fix, case[k]["file"]), "<f4").reshape(case[k]["shape"])
        err = float(np.abs(v.numpy() - ref_arr).max())
        gap = float((v.double() - outs["64"][k]).abs().max())
        worst = max(worst, err)
        print("%-13s %-12s %-17s %10.3g %10.3g %9s %9s" % (ck["name"], case["clip"] or "text-only", k, err, gap,
                                                          g_kv == g_full, g_kv == case["greedy_ids"]))
      assert g_kv == g_full == case["greedy_ids"], (ck["name"], case["clip"])
  print("max |fixture - recomputed fp32| = %.3g" % worst)
  return worst


def main() -> None:
  torch.set_num_threads(1)
  if len(sys.argv) < 2:
    sys.exit(__doc__)
  if sys.argv[1] == "--verify-fixtures":
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert verify_fixtures(repo) <= 1e-6
    return
  ckpt = sys.argv[1]
  model, dtypes = load_model(ckpt)
  print("loaded %s: %d tensors, dtypes %s" % (ckpt, len(dtypes), sorted(set(dtypes.values()))))
  mel = None
  ids = [1, 10, 11]
  if len(sys.argv) > 2:
    mel = log_mel(logmel_reference.load_16k(sys.argv[2]), model.config.audio_config.num_mel_bins)
    ids = ids + [4, model.config.audio_token_index, 5]
  a, _ = model.generate_greedy(ids, mel, 16, use_cache=True)
  b, _ = model.generate_greedy(ids, mel, 16, use_cache=False)
  print("greedy (cached)   ", a)
  print("greedy (recompute)", b)
  assert a == b


if __name__ == "__main__":
  main()
