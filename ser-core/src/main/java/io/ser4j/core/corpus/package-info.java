/**
 * Emotional speech corpora: {@link io.ser4j.core.corpus.Utterance} and {@link
 * io.ser4j.core.corpus.Corpus} values, readers and the JSONL manifest writer in {@link
 * io.ser4j.core.corpus.Corpora}, and speaker-independent folds in {@link
 * io.ser4j.core.corpus.SpeakerFolds}. The JSON and CSV parsing is done by small strict
 * package-private parsers, so ser-core still depends on nothing but slf4j-api. See
 * docs/corpora.md for the manifest schema and the label mappings.
 */
package io.ser4j.core.corpus;
