/**
 * ser4j's domain types: {@link io.ser4j.core.AudioClip}, {@link io.ser4j.core.Label} and
 * {@link io.ser4j.core.LabelSet}, {@link io.ser4j.core.Cue}/{@link io.ser4j.core.Cues},
 * {@link io.ser4j.core.LabelDistribution}, {@link io.ser4j.core.Recognition}, progress reporting and
 * the {@link io.ser4j.core.SerException} hierarchy. No heavy dependency: only slf4j-api.
 */
package io.ser4j.core;
