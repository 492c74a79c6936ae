#!/usr/bin/python3
"""Reference for io.ser4j.model.baseline.SoftmaxRegression: scikit-learn's multinomial
LogisticRegression (lbfgs) on the iris data that ships with scikit-learn, standardised.

sklearn minimises C * sum_i logloss_i + 0.5 * ||W||^2, which has the same optimum as
mean_i logloss_i + (lambda/2) ||W||^2 with lambda = 1 / (C * n). Writes
ser-model/src/test/resources/fixtures/softmax/iris.json.
Run: /usr/bin/python3 tools/reference/softmax_regression_reference.py
"""
import json, os
import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

X, y = load_iris(return_X_y=True)
X = (X - X.mean(0)) / X.std(0)
C = 0.5
clf = LogisticRegression(C=C, multi_class="multinomial", solver="lbfgs", tol=1e-12, max_iter=10000)
clf.fit(X, y)
# sklearn stops at a gradient of ~1e-6; polish the same objective with scipy to a tight optimum
from scipy.optimize import minimize
n, d = X.shape
lam = 1.0 / (C * n)
def obj(theta):
    W = theta[: 3 * d].reshape(3, d); b = theta[3 * d:]
    Z = X @ W.T + b; Z -= Z.max(1, keepdims=True); P = np.exp(Z); P /= P.sum(1, keepdims=True)
    G = P.copy(); G[np.arange(n), y] -= 1; G /= n
    f = -np.log(P[np.arange(n), y]).mean() + 0.5 * lam * (W ** 2).sum()
    return f, np.concatenate([(G.T @ X + lam * W).ravel(), G.sum(0)])
theta0 = np.concatenate([clf.coef_.ravel(), clf.intercept_])
res = minimize(obj, theta0, jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10000})
Wp = res.x[: 3 * d].reshape(3, d); bp = res.x[3 * d:]
Zp = X @ Wp.T + bp; Zp -= Zp.max(1, keepdims=True); Pp = np.exp(Zp); Pp /= Pp.sum(1, keepdims=True)
out = {
    "polished_proba": Pp.tolist(), "polished_coef": Wp.tolist(),
    "x": X.tolist(), "y": y.tolist(), "C": C, "lambda": 1.0 / (C * len(y)),
    "proba": clf.predict_proba(X).tolist(),
    "coef": clf.coef_.tolist(), "intercept": clf.intercept_.tolist(),
}
root = os.path.join(os.path.dirname(__file__), "..", "..")
path = os.path.join(root, "ser-model/src/test/resources/fixtures/softmax/iris.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, "train acc", clf.score(X, y))
