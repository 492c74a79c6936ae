/**
 * Streaming analysis on pure PCM: {@link io.ser4j.core.stream.StreamingAnalyzer} (sliding windows,
 * a smoothed running distribution, utterance segmentation by {@link
 * io.ser4j.core.stream.VoiceActivityDetector}), fed from any {@link io.ser4j.core.stream.PcmSource}
 * or array. Decoding is not here: {@link io.ser4j.core.spi.AudioDecoder#open} turns a byte stream
 * into a {@link io.ser4j.core.stream.PcmSource}, and {@link io.ser4j.core.Ser#analyzeStream} ties
 * both together.
 */
package io.ser4j.core.stream;
