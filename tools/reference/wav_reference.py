#!/usr/bin/python3
"""Reference decode of real corpus clips for ser-audio's WavReader/AudioLoader tests.

Run with the Debian python (soundfile, torch, torchaudio):
  /usr/bin/python3 tools/reference/wav_reference.py ../shared/data \
      ser-audio/src/test/resources/fixtures/wav/wav_reference.json

For each clip: soundfile's float64 decode (PCM scaled by 1/32768, channels averaged), its length,
rate, 16 samples at the start, middle and end, sum and sum of squares; and torchaudio's resample
of the float32 waveform to 16 kHz (sinc_interp_hann, width 6, rolloff 0.99) with the same stats.
"""
import json
import sys

import numpy as np
import soundfile as sf
import torch
import torchaudio

CLIPS = [
    "emodb/wav/03a01Fa.wav", "emodb/wav/08a02Ab.wav", "emodb/wav/10b01Aa.wav",
    "emodb/wav/13a05Tc.wav", "emodb/wav/14a01Aa.wav",
    "ravdess/wav/03-01-01-01-01-01-01.wav", "ravdess/wav/03-01-05-02-02-01-07.wav",
    "ravdess/wav/03-01-03-01-02-02-12.wav", "ravdess/wav/03-01-08-02-01-02-16.wav",
    "ravdess/wav/03-01-01-01-01-01-20.wav",
]
N = 16
TARGET_HZ = 16000


def stats(x):
    x = np.asarray(x, dtype=np.float64)
    mid = len(x) // 2
    return {
        "n": int(len(x)),
        "head": x[:N].tolist(),
        "mid_index": mid,
        "mid": x[mid:mid + N].tolist(),
        "tail": x[-N:].tolist(),
        "sum": float(np.sum(x)),
        "sumsq": float(np.sum(x * x)),
    }


def main(data_dir, out):
    import os
    clips = []
    for rel in CLIPS:
        path = os.path.join(data_dir, rel)
        if not os.path.exists(path):
            raise SystemExit("missing " + path)
        x, rate = sf.read(path, dtype="float64", always_2d=True)
        info = sf.info(path)
        mono = x.mean(axis=1)
        entry = {"file": rel, "sample_rate": int(rate), "channels": int(x.shape[1]),
                 "subtype": info.subtype, "native": stats(mono)}
        if rate != TARGET_HZ:
            w = torch.from_numpy(mono.astype(np.float32))[None, :]
            y = torchaudio.functional.resample(w, rate, TARGET_HZ)[0].numpy()
            entry["resampled_16k"] = stats(y)
        clips.append(entry)
    with open(out, "w") as f:
        json.dump({"tool": "soundfile %s, torchaudio %s" % (sf.__version__, torchaudio.__version__),
                   "clips": clips}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
