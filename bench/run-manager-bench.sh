#!/usr/bin/env bash
# Runs the manager benchmark in Java and its CPython counterpart back to back (same machine, same load).
# Usage: bench/run-manager-bench.sh [ops]   (after: bin/mvn -q -B -DskipTests -pl bench -am package)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/jdk25.sh"
ops=${1:-30000}
echo "== Java (multiprocessing4j)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp "$root/bench/target/classes:$root/bench/target/lib/*" multiprocessing4j.bench.ManagerProxyBench "$ops"
echo "== CPython $(python3 -c 'import sys; print(sys.version.split()[0])')"
python3 "$root/bench/python/manager_bench.py" "$ops"
