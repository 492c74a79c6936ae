/**
 * Optional TarsosDSP adapter (GPL-3.0, an {@code <optional>} dependency; see GUIDE §3): live capture
 * through TarsosDSP's {@code AudioDispatcher} into {@link io.ser4j.core.stream.StreamingAnalyzer}.
 * Nothing else in ser4j uses TarsosDSP.
 */
package io.ser4j.audio.tarsos;
