# Times Praat doing the same cue analyses ser4j's CueExtractor does, over every WAV in a folder,
# in one Praat process (file reading included, process start-up excluded).
# Usage: praat --run cues_praat.praat /path/to/wav/dir/ passes
form Cue benchmark
  sentence dir /work/shared/data/emodb/wav/
  integer passes 1
endform
list = Create Strings as file list: "files", dir$ + "*.wav"
n = Get number of strings
total_audio = 0
stopwatch
for pass from 1 to passes
  for i from 1 to n
    selectObject: list
    name$ = Get string: i
    sound = Read from file: dir$ + name$
    dur = Get total duration
    total_audio = total_audio + dur
    pitch = To Pitch: 0.01, 75, 600
    selectObject: sound, pitch
    pp = To PointProcess (cc)
    jit = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
    selectObject: sound, pp
    shim = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
    selectObject: sound
    hnr = To Harmonicity (cc): 0.01, 75, 0.1, 1.0
    h = Get mean: 0, 0
    selectObject: sound
    int = To Intensity: 100, 0.01, "yes"
    im = Get mean: 0, 0, "dB"
    # syllable nuclei (de Jong & Wempe): intensity at 50 Hz, peaks, pitch check
    selectObject: sound
    int50 = To Intensity: 50, 0.016, "yes"
    mx = Get maximum: 0, 0, "Parabolic"
    matrix = Down to Matrix
    selectObject: sound
    tg = To TextGrid (silences): 100, 0, -25, 0.3, 0.1, "silent", "sounding"
    selectObject: pitch
    mp = Get mean: 0, 0, "Hertz"
    removeObject: sound, pitch, pp, hnr, int, int50, matrix, tg
  endfor
endfor
elapsed = stopwatch
writeInfoLine: "praat_seconds=", fixed$(elapsed, 4), " audio_seconds=", fixed$(total_audio, 2), " clips=", n * passes
