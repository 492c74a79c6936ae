package io.ser4j.model.baseline;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Algorithm 7.4/7.5) with a backtracking Armijo line
 * search, for smooth convex objectives such as regularised logistic regression. Package-private.
 */
final class Lbfgs {
  private static final int MEMORY = 10;

  /** A differentiable objective: returns f(theta) and writes the gradient into {@code grad}. */
  @FunctionalInterface
  interface Objective {
    double evaluate(double[] theta, double[] grad);
  }

  private Lbfgs() {}

  static double[] minimize(Objective f, double[] theta0, int maxIterations, double tolerance) {
    int n = theta0.length;
    double[] x = theta0.clone();
    double[] g = new double[n];
    double fx = f.evaluate(x, g);
    double[][] s = new double[MEMORY][];
    double[][] yv = new double[MEMORY][];
    double[] rho = new double[MEMORY];
    int stored = 0;
    int head = 0;
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    double[] dir = new double[n];
    double[] alpha = new double[MEMORY];
    for (int it = 0; it < maxIterations; it++) {
      if (norm(g) < tolerance) {
        break;
      }
      // two-loop recursion: dir = -H g
      System.arraycopy(g, 0, dir, 0, n);
      for (int k = 0; k < stored; k++) {
        int i = Math.floorMod(head - 1 - k, MEMORY);
        alpha[i] = rho[i] * dot(s[i], dir);
        axpy(-alpha[i], yv[i], dir);
      }
      if (stored > 0) {
        int last = Math.floorMod(head - 1, MEMORY);
        double gamma = dot(s[last], yv[last]) / dot(yv[last], yv[last]);
        scale(dir, gamma);
      } else {
        scale(dir, 1.0 / Math.max(1.0, norm(g)));
      }
      for (int k = stored - 1; k >= 0; k--) {
        int i = Math.floorMod(head - 1 - k, MEMORY);
        double beta = rho[i] * dot(yv[i], dir);
        axpy(alpha[i] - beta, s[i], dir);
      }
      scale(dir, -1);
      double slope = dot(g, dir);
      if (slope >= 0) { // not a descent direction: reset memory, use steepest descent
        stored = 0;
        for (int j = 0; j < n; j++) {
          dir[j] = -g[j];
        }
        slope = dot(g, dir);
      }
      double step = 1.0;
      double fNew;
      int tries = 0;
      while (true) {
        for (int j = 0; j < n; j++) {
          xNew[j] = x[j] + step * dir[j];
        }
        fNew = f.evaluate(xNew, gNew);
        if (fNew <= fx + 1e-4 * step * slope || ++tries > 40) {
          break;
        }
        step *= 0.5;
      }
      if (tries > 40) {
        break;
      }
      double[] sk = new double[n];
      double[] yk = new double[n];
      for (int j = 0; j < n; j++) {
        sk[j] = xNew[j] - x[j];
        yk[j] = gNew[j] - g[j];
      }
      double sy = dot(sk, yk);
      if (sy > 1e-12) {
        s[head] = sk;
        yv[head] = yk;
        rho[head] = 1.0 / sy;
        head = (head + 1) % MEMORY;
        stored = Math.min(stored + 1, MEMORY);
      }
      double improvement = fx - fNew;
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      if (improvement >= 0 && improvement < 1e-16 * Math.max(1, Math.abs(fx))) {
        break;
      }
    }
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void scale(double[] x, double a) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }
}
