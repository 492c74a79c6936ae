#!/usr/bin/python3
"""Writes the Resampler parity fixtures (torchaudio 0.13.1 reference).

Usage: /usr/bin/python3 tools/reference/resample_reference.py [DATA_DIR] [OUT_DIR]
  DATA_DIR defaults to ../shared/data (relative to the repository root),
  OUT_DIR  defaults to ser-audio/src/test/resources/fixtures/resample.

Writes, as raw float32 little-endian arrays (*.bin), the output of
torchaudio.functional.resample(x, orig, 16000) with torchaudio's defaults
(sinc_interp_hann, lowpass_filter_width=6, rolloff=0.99) for
  * three EmoDB clips (22050 Hz, 16-bit PCM read as int16 / 32768, float32), and
  * a deterministic synthetic signal at 44100, 48000 and 8000 Hz (see synthetic()),
plus manifest.json describing each case. Only torchaudio's outputs are stored; the
Java test reads the EmoDB wavs itself and regenerates the synthetic inputs.
"""
import json
import math
import os
import sys

import numpy as np
import soundfile as sf
import torch
import torchaudio

TARGET_HZ = 16000
EMODB_CLIPS = ["03a01Fa.wav", "10a02Lb.wav", "14a01Aa.wav"]
SYNTHETIC_RATES_HZ = [44100, 48000, 8000]


def synthetic(sample_rate_hz: int, seconds: float = 1.0) -> np.ndarray:
    """1 s test signal, evaluated in float64 then cast to float32 (mirrored in Java).

    x[n] = 0.30 sin(2 pi 440 t) + 0.20 sin(2 pi 1234.5 t + 0.5) + 0.10 sin(2 pi 3100 t + 1.0)
         + 0.25 sin(2 pi (50 t + (f1 - 50) t^2 / 2)),   t = n / fs,  f1 = 0.45 fs (linear chirp)
    """
    n = int(round(sample_rate_hz * seconds))
    t = np.arange(n, dtype=np.float64) / sample_rate_hz
    f1 = 0.45 * sample_rate_hz
    x = (0.30 * np.sin(2 * math.pi * 440.0 * t)
         + 0.20 * np.sin(2 * math.pi * 1234.5 * t + 0.5)
         + 0.10 * np.sin(2 * math.pi * 3100.0 * t + 1.0)
         + 0.25 * np.sin(2 * math.pi * (50.0 * t + (f1 - 50.0) * t * t / 2.0)))
    return x.astype(np.float32)


def resample(x: np.ndarray, orig_hz: int) -> np.ndarray:
    y = torchaudio.functional.resample(torch.from_numpy(x)[None, :], orig_hz, TARGET_HZ)
    return y[0].numpy().astype("<f4")


def main() -> None:
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "data")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        repo, "ser-audio", "src", "test", "resources", "fixtures", "resample")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    cases = []
    for name in EMODB_CLIPS:
        pcm, sr = sf.read(os.path.join(data, "emodb", "wav", name), dtype="int16")
        x = (pcm.astype(np.float32) / 32768.0).astype(np.float32)
        y = resample(x, sr)
        fname = "emodb_" + name.replace(".wav", "") + "_16k.bin"
        y.tofile(os.path.join(out, fname))
        cases.append({"kind": "emodb", "clip": name, "from_hz": sr, "to_hz": TARGET_HZ,
                      "input_samples": int(x.shape[0]), "output_samples": int(y.shape[0]),
                      "output": fname})
    for rate in SYNTHETIC_RATES_HZ:
        x = synthetic(rate)
        y = resample(x, rate)
        fname = "synthetic_%d_to_16k.bin" % rate
        y.tofile(os.path.join(out, fname))
        cases.append({"kind": "synthetic", "from_hz": rate, "to_hz": TARGET_HZ,
                      "input_samples": int(x.shape[0]), "output_samples": int(y.shape[0]),
                      "input_sum": float(np.sum(x.astype(np.float64))), "output": fname})
    manifest = {"generator": "tools/reference/resample_reference.py",
                "torch": torch.__version__, "torchaudio": torchaudio.__version__,
                "format": "float32 little-endian, raw", "cases": cases}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), out))


if __name__ == "__main__":
    main()
