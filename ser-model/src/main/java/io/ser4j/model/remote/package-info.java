/**
 * A recognizer backed by a remote SpeechLM behind an OpenAI-compatible Chat Completions endpoint with
 * {@code input_audio} (vLLM serving Qwen2-Audio): {@link io.ser4j.model.remote.RemoteSpeechLm}, its
 * {@link io.ser4j.model.remote.RemoteOptions} and the {@code http(s)://} provider {@link
 * io.ser4j.model.remote.RemoteProvider}. See {@code docs/remote.md}.
 */
package io.ser4j.model.remote;
