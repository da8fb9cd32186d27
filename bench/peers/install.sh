#!/usr/bin/env bash
# Installs the benchmark's peers into a Python environment of their own (pyarrow 26 needs NumPy 2,
# which the machine's Python may not have): dlt with connectorx + pyarrow, and sling's Linux binary
# package (the `sling` package itself downloads its binary at first use, which fails offline).
#
# sling writes Parquet through the DuckDB CLI, which it would download at run time (a pinned
# version), and DuckDB then downloads its httpfs extension (sling hands it the rows over HTTP) and,
# for S3, its aws extension. All come from PyPI instead: the DuckDB CLI and the extensions of the
# same version, installed from their files into a DuckDB home of the environment's own
# (duckdb-home/.duckdb); bench/src/peer-tools.ts points sling at them (DUCKDB_PATH,
# DUCKDB_USE_INSTALLED_EXTENSIONS, HOME).
set -euo pipefail
VENV="${TRIBUTARY_BENCH_VENV:-$HOME/.cache/tributary-bench/peers}"
DUCKDB_VERSION=1.5.5
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet 'dlt[sql_database,postgres,parquet,s3]' connectorx pyarrow sqlalchemy psycopg2-binary sling-linux-amd64 \
  "duckdb-cli==$DUCKDB_VERSION" "duckdb-extension-httpfs==$DUCKDB_VERSION" "duckdb-extension-aws==$DUCKDB_VERSION"
mkdir -p "$VENV/duckdb-home"
for EXTENSION in httpfs aws; do
  FILE="$("$VENV/bin/python" -c "import os, duckdb_extension_$EXTENSION as e; print(os.path.join(os.path.dirname(e.__file__), 'extensions', 'v$DUCKDB_VERSION', '$EXTENSION.duckdb_extension'))")"
  HOME="$VENV/duckdb-home" "$VENV/bin/duckdb" -c "INSTALL '$FILE'; LOAD $EXTENSION;" > /dev/null
done
echo "peers installed in $VENV"
