#!/usr/bin/python3
"""Writes the Praat voice-analysis fixtures that ser4j's pitch/voice-quality parity tests read.

Runs praat_voice.praat (Praat 6.3.07, /usr/bin/praat) over every EmoDB clip in
<data>/emodb/wav at its native 22050 Hz rate and writes, under
ser-audio/src/test/resources/fixtures/praat-voice/:
  scalars.csv   one row per clip: jitter (local), shimmer (local), mean HNR (cc), frame counts
  contours.csv  one row per clip: Praat's F0 contour (To Pitch: 0.01, 75, 600), 0 = unvoiced
  contours_accurate.csv  every 10th clip: "very accurate" To Pitch (ac) contour (Gaussian window)

Usage: /usr/bin/python3 tools/reference/praat_voice_reference.py [DATA_DIR]
(DATA_DIR defaults to <repo>/../shared/data).  Praat writes "--undefined--" where a measure is
undefined (e.g. too few periods); the tests treat that as NaN.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "data")
    wav_dir = os.path.abspath(os.path.join(data, "emodb", "wav"))
    out = os.path.join(REPO, "ser-audio", "src", "test", "resources", "fixtures", "praat-voice")
    os.makedirs(out, exist_ok=True)
    scalars = os.path.join(out, "scalars.csv")
    contours = os.path.join(out, "contours.csv")
    accurate = os.path.join(out, "contours_accurate.csv")
    version = subprocess.run(["praat", "--version"], capture_output=True, text=True).stdout.strip()
    subprocess.run(["praat", "--run", os.path.join(HERE, "praat_voice.praat"), wav_dir, scalars,
                    contours, accurate], check=True)
    with open(scalars) as f:
        rows = sum(1 for _ in f) - 1
    print(f"{version}: wrote {rows} clips to {out}")


if __name__ == "__main__":
    main()
