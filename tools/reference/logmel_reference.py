#!/usr/bin/python3
"""Writes the Whisper log-mel parity fixtures (torch 1.13 reference).

Usage: /usr/bin/python3 tools/reference/logmel_reference.py [DATA_DIR] [OUT_DIR]
  DATA_DIR defaults to ../shared/data (relative to the repository root),
  OUT_DIR  defaults to ser-audio/src/test/resources/fixtures/logmel.

log_mel_spectrogram() below is whisper/audio.py's function rewritten in plain torch
(the `whisper` package is not installable here): torch.stft(n_fft=400, hop=160,
window=torch.hann_window(400), center=True, pad_mode='reflect'), |X|^2 with the last
frame dropped, Slaney mel filters @ power, log10(clamp(., 1e-10)), max(., max - 8),
(x + 4) / 4. The mel filters are computed in numpy following librosa.filters.mel
(htk=False, norm='slaney', float32) -- librosa is not installed either -- and
cross-checked against torchaudio.functional.melscale_fbanks(norm='slaney',
mel_scale='slaney'). Inputs are EmoDB clips (int16 / 32768) resampled 22050 -> 16000
with torchaudio.functional.resample (defaults).

Writes float32 little-endian raw arrays, row-major (n_mels, n_frames):
  mel_filters_{80,128}.bin                (n_mels, 201) filterbank
  <clip>_{80,128}.bin                     log-mel of the unpadded clip
  <clip>_80_padded.bin                    log-mel after pad_or_trim to N_SAMPLES = 480000
and manifest.json (clips, shapes, filterbank cross-check error).
"""
import json
import math
import os
import sys

import numpy as np
import soundfile as sf
import torch
import torch.nn.functional as F
import torchaudio

SAMPLE_RATE = 16000
N_FFT = 400
HOP_LENGTH = 160
CHUNK_LENGTH = 30
N_SAMPLES = CHUNK_LENGTH * SAMPLE_RATE  # 480000 samples in a 30-second chunk

# one clip per emotion, seven speakers; the first three are also resample fixtures
CLIPS = ["03a01Fa.wav", "10a02Lb.wav", "14a01Aa.wav", "08a01Na.wav",
         "09a01Wb.wav", "11a02Tc.wav", "13a01Ea.wav"]
PADDED_CLIP = "03a01Fa.wav"


# ---- librosa-style Slaney mel scale (librosa.core.convert.hz_to_mel / mel_to_hz, htk=False)
F_SP = 200.0 / 3            # Hz per mel below 1 kHz
MIN_LOG_HZ = 1000.0
MIN_LOG_MEL = MIN_LOG_HZ / F_SP
LOGSTEP = math.log(6.4) / 27.0


def hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    mels = f / F_SP
    log_t = f >= MIN_LOG_HZ
    mels = np.where(log_t, MIN_LOG_MEL + np.log(np.maximum(f, 1e-300) / MIN_LOG_HZ) / LOGSTEP, mels)
    return mels


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    freqs = F_SP * m
    log_t = m >= MIN_LOG_MEL
    return np.where(log_t, MIN_LOG_HZ * np.exp(LOGSTEP * (m - MIN_LOG_MEL)), freqs)


def mel_filters(sr: int, n_fft: int, n_mels: int) -> np.ndarray:
    """librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm='slaney')."""
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, np.newaxis]
    return weights


def log_mel_spectrogram(audio: torch.Tensor, filters: torch.Tensor, padding: int = 0):
    """whisper.audio.log_mel_spectrogram for a 1-D float32 tensor at 16 kHz."""
    if padding > 0:
        audio = F.pad(audio, (0, padding))
    window = torch.hann_window(N_FFT)
    stft = torch.stft(audio, N_FFT, HOP_LENGTH, window=window, return_complex=True)
    magnitudes = stft[..., :-1].abs() ** 2
    mel_spec = filters @ magnitudes
    log_spec = torch.clamp(mel_spec, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    log_spec = (log_spec + 4.0) / 4.0
    return log_spec


def pad_or_trim(array: torch.Tensor, length: int = N_SAMPLES) -> torch.Tensor:
    """whisper.audio.pad_or_trim for a 1-D tensor."""
    if array.shape[-1] > length:
        array = array[:length]
    if array.shape[-1] < length:
        array = F.pad(array, (0, length - array.shape[-1]))
    return array


def load_16k(path: str) -> torch.Tensor:
    pcm, sr = sf.read(path, dtype="int16")
    x = torch.from_numpy((pcm.astype(np.float32) / 32768.0).astype(np.float32))
    return torchaudio.functional.resample(x[None, :], sr, SAMPLE_RATE)[0]


def main() -> None:
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "..", "shared", "data")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        repo, "ser-audio", "src", "test", "resources", "fixtures", "logmel")
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    manifest = {"generator": "tools/reference/logmel_reference.py", "torch": torch.__version__,
                "torchaudio": torchaudio.__version__,
                "format": "float32 little-endian, raw, row-major (n_mels, n_frames)",
                "sample_rate": SAMPLE_RATE, "n_fft": N_FFT, "hop_length": HOP_LENGTH,
                "filters": {}, "cases": []}
    filters = {}
    for n_mels in (80, 128):
        w = mel_filters(SAMPLE_RATE, N_FFT, n_mels)
        ta = torchaudio.functional.melscale_fbanks(
            N_FFT // 2 + 1, 0.0, SAMPLE_RATE / 2.0, n_mels, SAMPLE_RATE,
            norm="slaney", mel_scale="slaney").T.numpy()
        err = float(np.max(np.abs(w - ta)))
        print("n_mels=%d: |numpy librosa-style - torchaudio melscale_fbanks| max = %.3g "
              "(max weight %.4g)" % (n_mels, err, float(w.max())))
        assert err < 1e-6, err
        fname = "mel_filters_%d.bin" % n_mels
        w.astype("<f4").tofile(os.path.join(out, fname))
        manifest["filters"][str(n_mels)] = {"file": fname, "shape": list(w.shape),
                                            "max_abs_diff_vs_torchaudio": err}
        filters[n_mels] = torch.from_numpy(w)
    for clip in CLIPS:
        audio = load_16k(os.path.join(data, "emodb", "wav", clip))
        stem = clip.replace(".wav", "")
        for n_mels in (80, 128):
            lm = log_mel_spectrogram(audio, filters[n_mels]).numpy().astype("<f4")
            assert lm.shape == (n_mels, audio.shape[0] // HOP_LENGTH), lm.shape
            fname = "%s_%d.bin" % (stem, n_mels)
            lm.tofile(os.path.join(out, fname))
            manifest["cases"].append({"clip": clip, "n_mels": n_mels, "padded_samples": 0,
                                      "input_samples": int(audio.shape[0]),
                                      "shape": list(lm.shape), "file": fname})
        if clip == PADDED_CLIP:
            lm = log_mel_spectrogram(pad_or_trim(audio), filters[80]).numpy().astype("<f4")
            assert lm.shape == (80, N_SAMPLES // HOP_LENGTH), lm.shape
            fname = "%s_80_padded.bin" % stem
            lm.tofile(os.path.join(out, fname))
            manifest["cases"].append({"clip": clip, "n_mels": 80, "padded_samples": N_SAMPLES,
                                      "input_samples": int(audio.shape[0]),
                                      "shape": list(lm.shape), "file": fname})
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %d cases to %s" % (len(manifest["cases"]), out))


if __name__ == "__main__":
    main()
