package io.ser4j.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Against scikit-learn's multinomial LogisticRegression (tools/reference/softmax_regression_reference.py). */
class SoftmaxRegressionParityTest {
  @Test
  void matchesSklearnOnIris() throws Exception {
    JsonNode fx;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/softmax/iris.json")) {
      fx = new ObjectMapper().readTree(in);
    }
    int n = fx.get("y").size();
    double[][] x = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      JsonNode row = fx.get("x").get(i);
      x[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        x[i][j] = row.get(j).asDouble();
      }
      y[i] = fx.get("y").get(i).asInt();
    }
    SoftmaxRegression m = SoftmaxRegression.train(x, y, 3, fx.get("lambda").asDouble(), null, 2000);
    double maxP = 0;
    double maxPolished = 0;
    for (int i = 0; i < n; i++) {
      double[] p = m.predictProba(x[i]);
      for (int c = 0; c < 3; c++) {
        maxP = Math.max(maxP, Math.abs(p[c] - fx.get("proba").get(i).get(c).asDouble()));
        maxPolished =
            Math.max(maxPolished, Math.abs(p[c] - fx.get("polished_proba").get(i).get(c).asDouble()));
      }
    }
    double maxW = 0;
    for (int c = 0; c < 3; c++) {
      for (int j = 0; j < 4; j++) {
        maxW = Math.max(maxW, Math.abs(m.weights()[c][j] - fx.get("polished_coef").get(c).get(j).asDouble()));
      }
    }
    // sklearn stops at gradient ~1e-6; the polished optimum of the same objective is the tight check
    assertThat(maxPolished).as("max |p - p_optimum|").isLessThan(1e-7);
    assertThat(maxP).as("max |p - p_sklearn|").isLessThan(1e-4);
    assertThat(maxW).as("max |W - W_sklearn|").isLessThan(1e-5);
  }
}
