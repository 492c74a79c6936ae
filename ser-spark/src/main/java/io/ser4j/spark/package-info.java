/**
 * Batch inference and distributed evaluation on Apache Spark: a {@code mapPartitions} recognizer
 * ({@link io.ser4j.spark.SparkRecognizer}) that loads the model once per executor JVM ({@link
 * io.ser4j.spark.ExecutorModels}), reads audio from any Hadoop-compatible path, and returns
 * predictions in the {@link io.ser4j.spark.PredictionSchema} for Parquet and JSONL; and {@link
 * io.ser4j.spark.DistributedEvaluation}, whose metrics are merged from per-partition counts and are
 * identical to {@link io.ser4j.metrics.Evaluation}'s on one machine. Spark itself is a {@code
 * provided} dependency: the cluster (or {@code spark-submit}) supplies it. See {@code
 * docs/spark.md}.
 */
package io.ser4j.spark;
