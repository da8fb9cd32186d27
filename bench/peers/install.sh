#!/usr/bin/env bash
# Installs the benchmark's peers into a Python environment of their own (pyarrow 26 needs NumPy 2,
# which the machine's Python may not have): dlt with connectorx + pyarrow, and sling's Linux binary
# package (the `sling` package itself downloads its binary at first use, which fails offline).
set -euo pipefail
VENV="${TRIBUTARY_BENCH_VENV:-$HOME/.cache/tributary-bench/peers}"
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet 'dlt[sql_database,postgres,parquet]' connectorx pyarrow sqlalchemy psycopg2-binary sling-linux-amd64
echo "peers installed in $VENV"
