package io.ser4j.model.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ser4j.core.ModelLoadException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates a safetensors JSON header. Stateless and thread-safe. Every problem becomes a
 * {@link ModelLoadException} whose input is the file and whose problem names the tensor involved.
 */
final class HeaderParser {
  /** Key of the optional string-to-string metadata object. */
  static final String METADATA_KEY = "__metadata__";

  /** JSON reader with duplicate keys and trailing tokens rejected. */
  static final ObjectMapper STRICT_JSON =
      JsonMapper.builder(JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  /** A validated header: metadata and tensors in data-offset order. */
  record Parsed(Map<String, String> metadata, List<TensorInfo> tensors) {}

  private HeaderParser() {}

  /** Decodes UTF-8 strictly. */
  static String decodeUtf8(byte[] header, String file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(header))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ModelLoadException(file, "header is not valid UTF-8", e);
    }
  }

  private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) ['\"](.*)['\"]");
  private static final Pattern SOURCE = Pattern.compile("\\[Source: .*?; (line: \\d+, column: \\d+\\])");

  /** Parses JSON text strictly into a tree; {@code what} names the document in messages. */
  static JsonNode parseJson(String json, String file, String what) {
    try {
      return STRICT_JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String msg = String.valueOf(e.getOriginalMessage());
      Matcher dup = DUPLICATE.matcher(msg);
      if (dup.find()) {
        throw new ModelLoadException(file, what + " has duplicate key \"" + dup.group(1) + "\"", e);
      }
      String where =
          e.getLocation() == null
              ? ""
              : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new ModelLoadException(
          file, what + " is not valid JSON: " + SOURCE.matcher(msg).replaceAll("[$1") + where, e);
    }
  }

  /**
   * Validates the header against a data region of {@code dataLength} bytes.
   *
   * @throws ModelLoadException on any violation of the rules in docs/checkpoints.md
   */
  static Parsed parse(byte[] headerBytes, long dataLength, String file) {
    JsonNode root = parseJson(decodeUtf8(headerBytes, file), file, "header");
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(
          file, "header is not a JSON object but " + (root == null ? "empty" : nodeKind(root)));
    }
    Map<String, String> metadata = Map.of();
    List<TensorInfo> tensors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (e.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(e.getValue(), file);
      } else {
        tensors.add(parseTensor(e.getKey(), e.getValue(), dataLength, file));
      }
    }
    checkTiling(tensors, dataLength, file);
    return new Parsed(metadata, Collections.unmodifiableList(tensors));
  }

  private static Map<String, String> parseMetadata(JsonNode node, String file) {
    if (!node.isObject()) {
      throw new ModelLoadException(
          file, "__metadata__ must be an object of strings, not " + nodeKind(node));
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new ModelLoadException(
            file,
            "__metadata__ must map strings to strings, but \""
                + e.getKey()
                + "\" has "
                + nodeKind(e.getValue())
                + " "
                + e.getValue());
      }
      m.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(m);
  }

  private static TensorInfo parseTensor(String name, JsonNode node, long dataLength, String file) {
    String t = "tensor \"" + name + "\": ";
    if (!node.isObject()) {
      throw new ModelLoadException(
          file, t + "entry must be an object with dtype, shape and data_offsets, not " + nodeKind(node));
    }
    JsonNode dtypeNode = required(node, "dtype", t, file);
    if (!dtypeNode.isTextual()) {
      throw new ModelLoadException(file, t + "dtype must be a string, not " + dtypeNode);
    }
    DType dtype =
        DType.fromHeaderName(dtypeNode.textValue())
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        file,
                        t
                            + "unsupported dtype \""
                            + dtypeNode.textValue()
                            + "\" (supported: "
                            + DType.supportedList()
                            + ")"));
    long[] shape = longArray(required(node, "shape", t, file), -1, t + "shape", file);
    long[] offsets = longArray(required(node, "data_offsets", t, file), 2, t + "data_offsets", file);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new ModelLoadException(
          file, t + "data_offsets [" + begin + ", " + end + "] end before begin");
    }
    if (end > dataLength) {
      throw new ModelLoadException(
          file,
          t
              + "data_offsets ["
              + begin
              + ", "
              + end
              + "] extend past the "
              + dataLength
              + "-byte data region (truncated file?)");
    }
    long numel = TensorInfo.elementCount(shape);
    long bytes = numel < 0 ? -1 : multiplyOrMinusOne(numel, dtype.byteSize());
    if (bytes < 0) {
      throw new ModelLoadException(
          file, t + "size of shape " + java.util.Arrays.toString(shape) + " overflows a 64-bit integer");
    }
    if (bytes != end - begin) {
      throw new ModelLoadException(
          file,
          t
              + "shape "
              + java.util.Arrays.toString(shape)
              + " of "
              + dtype
              + " needs "
              + bytes
              + " bytes but data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin));
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static long multiplyOrMinusOne(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  private static JsonNode required(JsonNode node, String field, String t, String file) {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new ModelLoadException(file, t + "missing \"" + field + "\"");
    }
    return v;
  }

  /** An array of non-negative integers fitting a long, of the given length (-1: any). */
  private static long[] longArray(JsonNode node, int length, String what, String file) {
    String expect =
        length < 0
            ? " must be an array of non-negative integers, got "
            : " must be " + length + " non-negative integers, got ";
    if (!node.isArray() || (length >= 0 && node.size() != length)) {
      throw new ModelLoadException(file, what + expect + node);
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new ModelLoadException(file, what + expect + node);
      }
      out[i] = v.longValue();
    }
    return out;
  }

  /**
   * Tensors must tile {@code [0, dataLength)} exactly, as the Hugging Face library requires: sorted
   * by offsets, each begins where the previous ends (no overlap, no gap), and the last ends at the
   * end of the data region (no trailing bytes). Sorts {@code tensors} by (begin, end, name).
   */
  private static void checkTiling(List<TensorInfo> tensors, long dataLength, String file) {
    tensors.sort(
        Comparator.comparingLong(TensorInfo::begin)
            .thenComparingLong(TensorInfo::end)
            .thenComparing(TensorInfo::name));
    long covered = 0;
    TensorInfo previous = null;
    for (TensorInfo ti : tensors) {
      if (ti.begin() < covered) {
        throw new ModelLoadException(
            file,
            "tensors \""
                + previous.name()
                + "\" "
                + range(previous)
                + " and \""
                + ti.name()
                + "\" "
                + range(ti)
                + " overlap");
      }
      if (ti.begin() > covered) {
        throw new ModelLoadException(
            file,
            "gap in the data region: bytes ["
                + covered
                + ", "
                + ti.begin()
                + ") before tensor \""
                + ti.name()
                + "\" belong to no tensor");
      }
      covered = ti.end();
      previous = ti;
    }
    if (covered != dataLength) {
      throw new ModelLoadException(
          file,
          "data region is "
              + dataLength
              + " bytes but the tensors cover only "
              + covered
              + (previous == null ? "" : " (trailing bytes after tensor \"" + previous.name() + "\")"));
    }
  }

  private static String range(TensorInfo t) {
    return "[" + t.begin() + ", " + t.end() + "]";
  }

  private static String nodeKind(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case MISSING -> "empty";
      default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
