# praat_prosody.praat -- Praat reference for ser4j's Intensity and SyllableNuclei.
#
# Written for ser4j from the published description of de Jong & Wempe (2009), "Praat script to
# detect syllable nuclei and measure speech rate automatically", Behavior Research Methods 41(2),
# 385-390 (not a copy of their script). For every WAV file in a folder it writes:
#   <out>/intensity.tsv : file, t1, n, values   (Sound: To Intensity: 100, 0.01, yes)
#   <out>/pitch.tsv     : file, t1, n, f0 values, 0 = unvoiced   (Sound: To Pitch: 0.01, 75, 600)
#   <out>/nuclei.tsv    : file, duration, nuclei, candidate peaks, threshold, sounding time,
#                         first sounding start, last sounding end, silent pause time inside
# Nuclei: intensity with minimum pitch 50 Hz and the automatic time step (0.8/50 = 16 ms), dB mean
# subtracted; threshold = 0.99 quantile - 25 dB (never below the minimum); silences with
# Intensity: To TextGrid (silences) at that threshold, min pause 0.3 s, min sounding 0.1 s;
# intensity peaks (maxima, sinc70) above the threshold whose following dip is more than 2 dB deep
# (the last peak has none and is dropped, as in the original); kept when the pitch (the 10 ms contour
# above) is defined at the peak and the peak lies in a sounding interval.
#
# Usage: praat --run praat_prosody.praat WAV_DIR OUT_DIR

form Prosody reference
  sentence wavDir /work/shared/data/emodb/wav
  sentence outDir /tmp/praat-prosody
endform

silenceDb = -25
minDip = 2
minPause = 0.3
minSounding = 0.1

intensityFile$ = outDir$ + "/intensity.tsv"
pitchFile$ = outDir$ + "/pitch.tsv"
nucleiFile$ = outDir$ + "/nuclei.tsv"
writeFileLine: intensityFile$, "file", tab$, "t1", tab$, "n", tab$, "values"
writeFileLine: pitchFile$, "file", tab$, "t1", tab$, "n", tab$, "f0"
writeFileLine: nucleiFile$, "file", tab$, "duration", tab$, "nuclei", tab$, "peaks", tab$,
  ... "threshold", tab$, "sounding", tab$, "first_sounding", tab$, "last_sounding", tab$, "pause_inside"

files = Create Strings as file list: "files", wavDir$ + "/*.wav"
nFiles = Get number of strings
for iFile to nFiles
  selectObject: files
  name$ = Get string: iFile
  sound = Read from file: wavDir$ + "/" + name$
  duration = Get total duration

  # 1. Intensity at 100 Hz / 10 ms
  int100 = To Intensity: 100, 0.01, "yes"
  n = Get number of frames
  t1 = Get time from frame number: 1
  line$ = ""
  for i to n
    v = Get value in frame: i
    line$ = line$ + fixed$ (v, 5)
    if i < n
      line$ = line$ + " "
    endif
  endfor
  appendFileLine: intensityFile$, name$, tab$, fixed$ (t1, 7), tab$, n, tab$, line$
  removeObject: int100

  # 2. Pitch (ac) 10 ms, 75-600 Hz, standard settings
  selectObject: sound
  pitch = To Pitch: 0.01, 75, 600
  np = Get number of frames
  pt1 = Get time from frame number: 1
  line$ = ""
  for i to np
    f = Get value in frame: i, "Hertz"
    if f = undefined
      f = 0
    endif
    line$ = line$ + fixed$ (f, 4)
    if i < np
      line$ = line$ + " "
    endif
  endfor
  appendFileLine: pitchFile$, name$, tab$, fixed$ (pt1, 7), tab$, np, tab$, line$

  # 3. Syllable nuclei
  selectObject: sound
  int50 = To Intensity: 50, 0, "yes"
  minInt = Get minimum: 0, 0, "parabolic"
  maxInt = Get maximum: 0, 0, "parabolic"
  q99 = Get quantile: 0, 0, 0.99
  threshold = q99 + silenceDb
  if threshold < minInt
    threshold = minInt
  endif
  # To TextGrid (silences) takes a threshold relative to the maximum
  relThreshold = silenceDb - (maxInt - q99)
  grid = To TextGrid (silences): relThreshold, minPause, minSounding, "silent", "sounding"
  nIntervals = Get number of intervals: 1
  sounding = 0
  firstSounding = -1
  lastSounding = -1
  for i to nIntervals
    lab$ = Get label of interval: 1, i
    if lab$ = "sounding"
      tb = Get start time of interval: 1, i
      te = Get end time of interval: 1, i
      sounding = sounding + (te - tb)
      if firstSounding < 0
        firstSounding = tb
      endif
      lastSounding = te
    endif
  endfor
  pauseInside = 0
  if firstSounding >= 0
    pauseInside = (lastSounding - firstSounding)
    for i to nIntervals
      lab$ = Get label of interval: 1, i
      if lab$ = "sounding"
        tb = Get start time of interval: 1, i
        te = Get end time of interval: 1, i
        pauseInside = pauseInside - (te - tb)
      endif
    endfor
  endif

  # peaks of the intensity contour, as a Sound so that extrema can be sinc-interpolated
  selectObject: int50
  matrix = Down to Matrix
  intSound = To Sound (slice): 1
  peaksPoints = To PointProcess (extrema): 1, "yes", "no", "sinc70"
  nPoints = Get number of points
  nPeaks = 0
  for i to nPoints
    selectObject: peaksPoints
    t = Get time from index: i
    selectObject: intSound
    v = Get value at time: 1, t, "cubic"
    if v > threshold
      nPeaks = nPeaks + 1
      peakTime [nPeaks] = t
      peakValue [nPeaks] = v
    endif
  endfor

  # dips: a peak counts when the minimum between it and the next peak is > minDip below it
  nValid = 0
  selectObject: int50
  for p to nPeaks - 1
    dip = Get minimum: peakTime [p], peakTime [p + 1], "none"
    if p = 1
      current = peakValue [1]
    else
      current = Get value at time: peakTime [p], "cubic"
    endif
    if abs (current - dip) > minDip
      nValid = nValid + 1
      validTime [nValid] = peakTime [p]
    endif
  endfor

  # voiced and sounding
  nuclei = 0
  for i to nValid
    selectObject: grid
    k = Get interval at time: 1, validTime [i]
    lab$ = Get label of interval: 1, k
    selectObject: pitch
    f = Get value at time: validTime [i], "Hertz", "linear"
    if f <> undefined and lab$ = "sounding"
      nuclei = nuclei + 1
    endif
  endfor

  appendFileLine: nucleiFile$, name$, tab$, fixed$ (duration, 6), tab$, nuclei, tab$, nPeaks, tab$,
    ... fixed$ (threshold, 5), tab$, fixed$ (sounding, 6), tab$, fixed$ (firstSounding, 6), tab$,
    ... fixed$ (lastSounding, 6), tab$, fixed$ (pauseInside, 6)
  removeObject: int50, matrix, intSound, peaksPoints, grid, pitch, sound
endfor
removeObject: files
