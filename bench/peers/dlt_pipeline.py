"""The dlt peer: one table from PostgreSQL, read with connectorx into Arrow, loaded by dlt.

Usage: dlt_pipeline.py SOURCE_URL TABLE (postgres DEST_URL DATASET | parquet DIRECTORY) WORK_DIR
Prints one JSON line: {"rows": n}.
"""
import json
import os
import sys
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

import dlt  # noqa: E402
from dlt.sources.sql_database import sql_table  # noqa: E402


def with_password(url: str) -> str:
    """dlt insists on a password; trust authentication ignores the placeholder."""
    parts = urlsplit(url)
    if parts.password is not None:
        return url
    netloc = f"{parts.username or 'postgres'}:unused@{parts.hostname}:{parts.port or 5432}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def main() -> None:
    source_url, table, kind, target, work_dir = sys.argv[1:6]
    resource = sql_table(credentials=source_url.replace("postgresql://", "postgresql+psycopg2://", 1), table=table, schema="public", backend="connectorx", chunk_size=100_000, backend_kwargs={"conn": source_url})
    if kind == "postgres":
        destination = dlt.destinations.postgres(credentials=with_password(target))
        dataset, file_format = f"dlt_{table}", "csv"
    else:
        destination = dlt.destinations.filesystem(bucket_url=f"file://{target}")
        dataset, file_format = f"dlt_{table}", "parquet"
    pipeline = dlt.pipeline(pipeline_name=f"bench_{table}_{kind}", destination=destination, dataset_name=dataset, pipelines_dir=work_dir)
    pipeline.run(resource, write_disposition="replace", loader_file_format=file_format)
    rows = pipeline.last_trace.last_normalize_info.row_counts.get(table, 0)
    print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
