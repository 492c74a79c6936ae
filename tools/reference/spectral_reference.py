#!/usr/bin/python3
"""Independent numpy reference for ser4j's SpectralCues (eGeMAPS alpha ratio, Hammarberg index,
spectral slopes 0-500 / 500-1500 Hz), following the definition in docs/cues.md.

Usage: /usr/bin/python3 tools/reference/spectral_reference.py [DATA_DIR] [N_CLIPS]
Voicing comes from the committed Praat pitch fixture (fixtures/praat-prosody/pitch.json), so the
reference and the Java test see the same voiced frames. Writes
ser-audio/src/test/resources/fixtures/praat-prosody/spectral.json:
  {"clips": {file: {"alpha_ratio_db", "hammarberg_index_db", "slope_0_500", "slope_500_1500",
                    "voiced_frames"}}}
"""
import json
import os
import sys

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "ser-audio/src/test/resources/fixtures/praat-prosody")


def cues(x, sr, f0, t1, dt):
  L = int(round(0.025 * sr))
  N = 1 << int(round(np.log2(L)))
  win = np.hamming(L)  # 0.54 - 0.46 cos(2 pi n / (L-1))
  f = np.arange(N // 2 + 1) * sr / N
  # explicit DTFT at f_k = k sr / N over all L samples (no FFT, no folding: independent of the Java path)
  dft = np.exp(-2j * np.pi * np.outer(np.arange(N // 2 + 1), np.arange(L)) / N)
  alpha_lo = (f >= 50) & (f < 1000)
  alpha_hi = (f >= 1000) & (f <= 5000)
  ham_lo = (f > 0) & (f < 2000)
  ham_hi = (f >= 2000) & (f <= 5000)
  s_lo = (f > 0) & (f <= 500)
  s_hi = (f >= 500) & (f <= 1500)
  half = (L - 1) // 2
  out = {"alpha": [], "ham": [], "s_lo": [], "s_hi": []}
  voiced = 0
  for i, v in enumerate(f0):
    if not v > 0:
      continue
    voiced += 1
    t = t1 + i * dt
    start = int(np.floor(t * sr)) - half
    if start < 0 or start + L > len(x):
      continue  # frames that overhang the clip are skipped
    frame = x[start:start + L].astype(np.float64)
    if not np.any(frame != 0):
      continue
    frame = (frame - frame.mean()) * win
    P = np.abs(dft @ frame) ** 2
    out["alpha"].append(10 * np.log10(P[alpha_lo].sum() / P[alpha_hi].sum()))
    out["ham"].append(10 * np.log10(P[ham_lo].max() / P[ham_hi].max()))
    out["s_lo"].append(np.polyfit(f[s_lo], 10 * np.log10(P[s_lo]), 1)[0])
    out["s_hi"].append(np.polyfit(f[s_hi], 10 * np.log10(P[s_hi]), 1)[0])
  mean = lambda a: float(np.mean(a)) if a else float("nan")
  return {"alpha_ratio_db": mean(out["alpha"]), "hammarberg_index_db": mean(out["ham"]),
          "slope_0_500": mean(out["s_lo"]), "slope_500_1500": mean(out["s_hi"]), "voiced_frames": voiced}


def main():
  data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
  n_clips = int(sys.argv[2]) if len(sys.argv) > 2 else 16
  pitch = json.load(open(os.path.join(FIX, "pitch.json")))["clips"]
  names = sorted(pitch)[:: max(1, len(pitch) // n_clips)][:n_clips]
  clips = {}
  for name in names:
    x, sr = sf.read(os.path.join(data, "emodb", "wav", name), dtype="float64")
    p = pitch[name]
    clips[name] = cues(x, sr, p["f0"], p["t1"], p["dt"])
  with open(os.path.join(FIX, "spectral.json"), "w") as fh:
    json.dump({"reference": "tools/reference/spectral_reference.py (numpy)", "clips": clips}, fh, indent=1)
    fh.write("\n")
  print(json.dumps(clips[names[0]]), "...", len(clips), "clips")


if __name__ == "__main__":
  main()
