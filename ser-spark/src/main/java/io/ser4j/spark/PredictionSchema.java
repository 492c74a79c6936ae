package io.ser4j.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a prediction table, one row per input clip, as written to Parquet and JSONL:
 *
 * <table>
 *   <caption>prediction columns</caption>
 *   <tr><th>column</th><th>type</th><th>content</th></tr>
 *   <tr><td>{@value #ID}</td><td>string</td><td>the clip's id (given by the manifest, else the file
 *       name without its extension)</td></tr>
 *   <tr><td>{@value #PATH}</td><td>string</td><td>the audio's path or URI as read</td></tr>
 *   <tr><td>{@value #LABEL}</td><td>string, null on failure</td><td>the predicted label</td></tr>
 *   <tr><td>{@value #PROBABILITIES}</td><td>map&lt;string, double&gt;, null on failure</td><td>label
 *       → probability over the candidate labels, summing to 1</td></tr>
 *   <tr><td>{@value #TRANSCRIPT}</td><td>string</td><td>what was said; empty when the model does not
 *       transcribe (the baseline)</td></tr>
 *   <tr><td>{@value #RATIONALE}</td><td>string</td><td>the model's explanation; empty when not
 *       produced</td></tr>
 *   <tr><td>{@value #CUES}</td><td>map&lt;string, double&gt;, null when not measured</td><td>the
 *       acoustic cues by their stable keys ({@link io.ser4j.core.Cue#key()}); undefined cues are
 *       left out</td></tr>
 *   <tr><td>{@value #ERROR}</td><td>string, null on success</td><td>why the clip failed:
 *       {@code "<ExceptionType>: <input>: <problem>"}; a failed clip never aborts the job</td></tr>
 * </table>
 *
 * <p>Constants only; thread-safe.
 */
public final class PredictionSchema {
  /** Column: clip id. */
  public static final String ID = "id";
  /** Column: audio path or URI. */
  public static final String PATH = "path";
  /** Column: predicted label. */
  public static final String LABEL = "label";
  /** Column: label → probability. */
  public static final String PROBABILITIES = "probabilities";
  /** Column: transcript. */
  public static final String TRANSCRIPT = "transcript";
  /** Column: rationale. */
  public static final String RATIONALE = "rationale";
  /** Column: cue key → value. */
  public static final String CUES = "cues";
  /** Column: failure message. */
  public static final String ERROR = "error";

  /** The prediction table's schema, in column order. */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(ID, DataTypes.StringType, false),
            DataTypes.createStructField(PATH, DataTypes.StringType, false),
            DataTypes.createStructField(LABEL, DataTypes.StringType, true),
            DataTypes.createStructField(
                PROBABILITIES,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
                true),
            DataTypes.createStructField(TRANSCRIPT, DataTypes.StringType, false),
            DataTypes.createStructField(RATIONALE, DataTypes.StringType, false),
            DataTypes.createStructField(
                CUES, DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true),
            DataTypes.createStructField(ERROR, DataTypes.StringType, true)
          });

  private PredictionSchema() {}
}
