/**
 * Rationales: teachers that explain an utterance's emotion label from its measured cues ({@link
 * io.ser4j.rationale.Teacher}, the offline {@link io.ser4j.rationale.CueGroundedTeacher}), the
 * reference norms that make "high" and "low" meaningful ({@link io.ser4j.rationale.CueNorms}), an
 * append-only, crash-safe store ({@link io.ser4j.rationale.RationaleStore}), and a faithfulness
 * checker that verifies the acoustic claims of any English rationale against the clip ({@link
 * io.ser4j.rationale.FaithfulnessChecker}). See {@code docs/rationales.md}.
 */
package io.ser4j.rationale;
