#!/usr/bin/python3
"""Single-thread throughput of torch.stft-based Whisper log-mel over EmoDB clips.

Usage: /usr/bin/python3 tools/reference/logmel_bench.py WAV_DIR [N_MELS] [WARMUP_PASSES] [TIMED_PASSES]

Mirrors io.ser4j.examples.bench.LogMelBenchmark: every *.wav in WAV_DIR is read
(16-bit PCM / 32768) and resampled to 16 kHz with torchaudio *before* timing, kept in
memory; the Slaney filterbank is built once. Then WARMUP_PASSES untimed passes and
TIMED_PASSES timed passes, each computing the log-mel of every clip separately with
whisper's log_mel_spectrogram (see logmel_reference.py). torch.set_num_threads(1).
Prints one machine-readable line:
  RESULT impl=torch clips=<n> audio_s=<s per pass> best_pass_s=<s> median_pass_s=<s>
         clips_per_s=<n/best> rtf=<best/audio> x_realtime=<audio/best>
"""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logmel_reference as ref  # noqa: E402


def main() -> None:
    wav_dir = sys.argv[1]
    n_mels = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    timed = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    torch.set_num_threads(1)
    names = sorted(n for n in os.listdir(wav_dir) if n.endswith(".wav"))
    clips = [ref.load_16k(os.path.join(wav_dir, n)).contiguous() for n in names]
    filters = torch.from_numpy(ref.mel_filters(ref.SAMPLE_RATE, ref.N_FFT, n_mels))
    audio_s = sum(c.shape[0] for c in clips) / ref.SAMPLE_RATE
    checksum = 0.0
    with torch.inference_mode():
        for _ in range(warmup):
            for c in clips:
                checksum += float(ref.log_mel_spectrogram(c, filters)[0, 0])
        times = []
        for _ in range(timed):
            t0 = time.perf_counter()
            for c in clips:
                ref.log_mel_spectrogram(c, filters)
            times.append(time.perf_counter() - t0)
    best = min(times)
    med = statistics.median(times)
    print("RESULT impl=torch n_mels=%d clips=%d audio_s=%.3f best_pass_s=%.5f median_pass_s=%.5f "
          "clips_per_s=%.1f rtf=%.3g x_realtime=%.1f threads=%d"
          % (n_mels, len(clips), audio_s, best, med, len(clips) / best, best / audio_s,
             audio_s / best, torch.get_num_threads()))


if __name__ == "__main__":
    main()
