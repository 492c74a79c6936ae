package io.ser4j.core.stream;

import io.ser4j.core.LabelDistribution;
import java.util.List;

/**
 * What a finished stream produced. Windows are not kept here (an hour-long call has thousands);
 * collect them with a {@link StreamListener} when needed. Immutable.
 *
 * @param sourceId the stream's name
 * @param durationSeconds audio consumed, in seconds
 * @param windows number of windows analysed
 * @param speechWindows number of windows that held speech and were recognised
 * @param segments the utterances, in time order
 * @param smoothed the final running distribution, or {@code null} when no window held speech
 */
public record StreamSummary(
    String sourceId,
    double durationSeconds,
    int windows,
    int speechWindows,
    List<SpeechSegment> segments,
    LabelDistribution smoothed) {
  /** Copies the segment list. */
  public StreamSummary {
    segments = List.copyOf(segments);
  }
}
