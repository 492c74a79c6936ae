/**
 * The LLM teacher: rationales written by a large language model behind any OpenAI-compatible Chat
 * Completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server), from the transcript, the measured
 * cues relative to the speaker's or corpus norms, and the annotators' labels.
 *
 * <p>{@link io.ser4j.rationale.llm.LlmTeacher} implements {@link io.ser4j.rationale.Teacher} and
 * adds a bounded-concurrency batch API; {@link io.ser4j.rationale.llm.LlmTeacherOptions} holds the
 * endpoint, model, the <em>name</em> of the environment variable with the API key, rate limit,
 * retry and validation settings; {@link io.ser4j.rationale.llm.LlmPrompt} is the versioned prompt;
 * {@link io.ser4j.rationale.llm.LlmTeacherException} says why an utterance could not be taught. See
 * {@code docs/rationales.md}.
 */
package io.ser4j.rationale.llm;
