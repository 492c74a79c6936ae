#!/usr/bin/env bash
# Metrics benchmark: ser4j (io.ser4j.examples.bench.MetricsBenchmark) against the same computation
# with scikit-learn calls in a Python loop (tools/bench/metrics_sklearn.py), both pinned to one core.
# Workload: all majority and annotator-aware metrics + R bootstrap replicates of Macro-F1 on N
# synthetic items (C labels, 1-12 annotators each). Results: docs/benchmarks.md, "Metrics".
#
# Usage: tools/bench/metrics.sh [RUNS=3] [ITEMS=200000] [REPLICATES=1000] [CLASSES=9]
# Env:   BENCH_CORE (default 0), JAVA (default java), MVN_FLAGS (default -q -o)
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${1:-3}
ITEMS=${2:-200000}
REPS=${3:-1000}
CLASSES=${4:-9}
CORE=${BENCH_CORE:-0}
JAVA=${JAVA:-java}
MVN_FLAGS=${MVN_FLAGS:--q -o}
PY=/usr/bin/python3

# compile (never install) and resolve the runtime class path
mvn $MVN_FLAGS -pl ser-examples -am compile
CPFILE=ser-examples/target/bench-classpath.txt
mvn $MVN_FLAGS -pl ser-examples dependency:build-classpath -Dmdep.outputFile="$PWD/$CPFILE" \
  -Dmdep.includeScope=runtime >/dev/null
CP="ser-examples/target/classes:ser-metrics/target/classes:ser-core/target/classes:$(cat "$CPFILE")"

echo "machine: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores online, pinned to core $CORE"
echo "java:    $("$JAVA" -version 2>&1 | head -1)"
echo "python:  $($PY -c 'import sys, sklearn, numpy; print(sys.version.split()[0], "scikit-learn", sklearn.__version__, "numpy", numpy.__version__)')"
echo "load:    $(uptime)"
echo "workload: $ITEMS items, $CLASSES labels, 1-12 annotators, $REPS bootstrap replicates of macro-F1"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for ((r = 1; r <= RUNS; r++)); do
  taskset -c "$CORE" "$JAVA" -cp "$CP" io.ser4j.examples.bench.MetricsBenchmark \
    --items "$ITEMS" --replicates "$REPS" --classes "$CLASSES" --seed "$r" >"$OUT/java.$r.json"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c "$CORE" \
    $PY tools/bench/metrics_sklearn.py \
    --items "$ITEMS" --replicates "$REPS" --classes "$CLASSES" --seed "$r" >"$OUT/py.$r.json"
  echo "run $r: load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  ser4j:        $(cat "$OUT/java.$r.json")"
  echo "  scikit-learn: $(cat "$OUT/py.$r.json")"
done

$PY - "$OUT" "$RUNS" <<'PYEOF'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
j = [json.load(open(f"{out}/java.{r}.json")) for r in range(1, runs + 1)]
p = [json.load(open(f"{out}/py.{r}.json")) for r in range(1, runs + 1)]
jw = statistics.median(x["seconds_median"] for x in j)
jc = statistics.median(x["cpu_seconds_median"] for x in j)
pw = statistics.median(x["seconds"] for x in p)
pc = statistics.median(x["cpu_seconds"] for x in p)
print(f"median over {runs} runs (ser4j: median of its timed rounds in each run)")
print(f"  ser4j        wall {jw:8.3f} s   cpu {jc:8.3f} s")
print(f"  scikit-learn wall {pw:8.3f} s   cpu {pc:8.3f} s")
print(f"  ratio (scikit-learn / ser4j): wall {pw / jw:6.1f}x   cpu {pc / jc:6.1f}x")
print(f"  target: ser4j < 1 s -> {'met' if jw < 1 else 'NOT met'} (wall), "
      f"{'met' if jc < 1 else 'NOT met'} (cpu); >= 20x -> {'met' if pw / jw >= 20 else 'NOT met'}")
PYEOF
