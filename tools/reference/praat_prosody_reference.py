#!/usr/bin/python3
"""Runs praat_prosody.praat on the EmoDB clips and writes ser4j's Praat prosody fixtures.

Usage: /usr/bin/python3 tools/reference/praat_prosody_reference.py [DATA_DIR]
(DATA_DIR defaults to ../shared/data relative to the repository root.)

Writes ser-audio/src/test/resources/fixtures/praat-prosody/{intensity,pitch,nuclei}.json:
  intensity.json: {"praat": version, "settings": ..., "clips": {file: {"t1": s, "dt": 0.01, "db": [...]}}}
  pitch.json:     {"clips": {file: {"t1": s, "dt": 0.01, "f0": [...]}}}  (0 = unvoiced)
  nuclei.json:    {"clips": {file: {"nuclei": n, "peaks": n, "threshold_db": x, "sounding_s": x,
                                   "first_sounding_s": x, "last_sounding_s": x, "pause_inside_s": x}}}
Requires Praat 6.3.x at /usr/bin/praat.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "ser-audio/src/test/resources/fixtures/praat-prosody")


def read_tsv(path):
  with open(path) as f:
    header = f.readline().rstrip("\n").split("\t")
    return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f if line.strip()]


def main():
  data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
  wav_dir = os.path.realpath(os.path.join(data, "emodb", "wav"))
  version = subprocess.run(["/usr/bin/praat", "--version"], capture_output=True, text=True).stdout.strip()
  with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["/usr/bin/praat", "--run", os.path.join(ROOT, "tools/reference/praat_prosody.praat"),
                    wav_dir, tmp], check=True)
    intensity = read_tsv(os.path.join(tmp, "intensity.tsv"))
    pitch = read_tsv(os.path.join(tmp, "pitch.tsv"))
    nuclei = read_tsv(os.path.join(tmp, "nuclei.tsv"))
  os.makedirs(OUT, exist_ok=True)

  def dump(name, settings, clips):
    with open(os.path.join(OUT, name), "w") as f:
      json.dump({"praat": version, "settings": settings, "clips": clips}, f, separators=(",", ":"))
      f.write("\n")

  dump("intensity.json", "Sound: To Intensity: 100, 0.01, yes; values in dB re 2e-5 Pa",
       {r["file"]: {"t1": float(r["t1"]), "dt": 0.01, "db": [float(v) for v in r["values"].split()]}
        for r in intensity})
  dump("pitch.json", "Sound: To Pitch: 0.01, 75, 600 (ac, standard settings); 0 = unvoiced",
       {r["file"]: {"t1": float(r["t1"]), "dt": 0.01, "f0": [float(v) for v in r["f0"].split()]}
        for r in pitch})
  dump("nuclei.json", "praat_prosody.praat: de Jong & Wempe (2009) style, intensity 50 Hz auto step, "
       "silence q99-25 dB, min dip 2 dB, min pause 0.3 s, min sounding 0.1 s, voicing from pitch.json",
       {r["file"]: {"duration_s": float(r["duration"]), "nuclei": int(r["nuclei"]), "peaks": int(r["peaks"]),
                    "threshold_db": float(r["threshold"]), "sounding_s": float(r["sounding"]),
                    "first_sounding_s": float(r["first_sounding"]), "last_sounding_s": float(r["last_sounding"]),
                    "pause_inside_s": float(r["pause_inside"])} for r in nuclei})
  print("wrote", len(intensity), "clips to", OUT)


if __name__ == "__main__":
  main()
