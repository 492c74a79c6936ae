/**
 * Fine-tuning building blocks on DJL's PyTorch engine that DJL 0.36 lacks or gets wrong (GUIDE §2):
 * a masked token-mean cross-entropy ({@link io.ser4j.model.train.MaskedCrossEntropy}), clipping by
 * global norm ({@link io.ser4j.model.train.GradientClipping}), parameter groups without weight decay
 * on norms and biases ({@link io.ser4j.model.train.ParameterGroups}) and a hand-written AdamW
 * ({@link io.ser4j.model.train.AdamW}). Verified against torch 1.13 by
 * tools/reference/lora_reference.py.
 */
package io.ser4j.model.train;
