#!/bin/sh
# Issue 4's figures, Java then CPython back to back (the box is shared: compare within one run).
# Run from the repository root after `bin/mvn -q -B -DskipTests package`.
set -e
JAVA="${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp bench/target/classes:core/target/classes \
    multiprocessing4j.bench.SyncBenchmark "$@"
python3 bench/python/sync_bench.py
