# Praat voice-analysis reference for ser4j (run through praat_voice_reference.py).
# Usage: praat --run praat_voice.praat <wavDir> <scalarsCsv> <contoursCsv> <accurateContoursCsv>
# For every *.wav in wavDir (analysed at its own sample rate):
#   To Pitch: 0.01, 75, 600                         (autocorrelation method, default other settings)
#   To PointProcess (cc) from Sound + Pitch
#   Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
#   Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
#   To Harmonicity (cc): 0.01, 75, 0.1, 1.0 ; Get mean: 0, 0
# and, for every 10th clip, the "very accurate" variant
#   To Pitch (ac): 0.01, 75, 15, yes, 0.03, 0.45, 0.01, 0.35, 0.14, 600
form Voice reference
  sentence wavDir /work/shared/data/emodb/wav
  sentence scalarsCsv scalars.csv
  sentence contoursCsv contours.csv
  sentence accurateContoursCsv contours_accurate.csv
endform
list = Create Strings as file list: "list", wavDir$ + "/*.wav"
Sort
n = Get number of strings
writeFileLine: scalarsCsv$, "file,sample_rate_hz,duration_s,n_frames,voiced_frames,jitter_local,shimmer_local,hnr_mean_db,n_points"
writeFileLine: contoursCsv$, "file,n_frames,t1_s,dt_s,f0_hz_space_separated"
writeFileLine: accurateContoursCsv$, "file,n_frames,t1_s,dt_s,f0_hz_space_separated"
for i to n
  selectObject: list
  name$ = Get string: i
  snd = Read from file: wavDir$ + "/" + name$
  sr = Get sampling frequency
  dur = Get total duration
  pitch = To Pitch: 0.01, 75, 600
  nf = Get number of frames
  t1 = Get time from frame number: 1
  nv = Count voiced frames
  line$ = ""
  for f to nf
    v = Get value in frame: f, "Hertz"
    if v = undefined
      v = 0
    endif
    line$ = line$ + " " + fixed$(v, 3)
  endfor
  appendFileLine: contoursCsv$, name$, ",", nf, ",", fixed$(t1, 6), ",0.01,", mid$(line$, 2, length(line$) - 1)
  selectObject: snd, pitch
  pp = To PointProcess (cc)
  np = Get number of points
  jit = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
  selectObject: snd, pp
  shim = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
  selectObject: snd
  hnrObj = To Harmonicity (cc): 0.01, 75, 0.1, 1.0
  hnr = Get mean: 0, 0
  appendFileLine: scalarsCsv$, name$, ",", sr, ",", fixed$(dur, 6), ",", nf, ",", nv, ",", fixed$(jit, 8), ",", fixed$(shim, 8), ",", fixed$(hnr, 5), ",", np
  removeObject: pitch, pp, hnrObj
  if (i - 1) mod 10 = 0
    selectObject: snd
    pitch = To Pitch (ac): 0.01, 75, 15, "yes", 0.03, 0.45, 0.01, 0.35, 0.14, 600
    nf = Get number of frames
    t1 = Get time from frame number: 1
    line$ = ""
    for f to nf
      v = Get value in frame: f, "Hertz"
      if v = undefined
        v = 0
      endif
      line$ = line$ + " " + fixed$(v, 3)
    endfor
    appendFileLine: accurateContoursCsv$, name$, ",", nf, ",", fixed$(t1, 6), ",0.01,", mid$(line$, 2, length(line$) - 1)
    removeObject: pitch
  endif
  removeObject: snd
endfor
removeObject: list
