"""The dlt peer: one table from PostgreSQL, read with connectorx into Arrow, loaded by dlt.

Usage: dlt_pipeline.py SOURCE_URL TABLE (postgres DEST_URL | parquet DIRECTORY | s3 BUCKET_URL) WORK_DIR
For s3, the server and its keys come from BENCH_S3_ENDPOINT, BENCH_S3_ACCESS_KEY_ID and
BENCH_S3_SECRET_ACCESS_KEY. Prints one JSON line: {"rows": n}.
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
    elif kind == "s3":
        credentials = {
            "aws_access_key_id": os.environ["BENCH_S3_ACCESS_KEY_ID"],
            "aws_secret_access_key": os.environ["BENCH_S3_SECRET_ACCESS_KEY"],
            "endpoint_url": os.environ["BENCH_S3_ENDPOINT"],
            "region_name": "us-east-1",
        }
        destination = dlt.destinations.filesystem(bucket_url=target, credentials=credentials)
        dataset, file_format = f"dlt_{table}", "parquet"
    else:
        destination = dlt.destinations.filesystem(bucket_url=f"file://{target}")
        dataset, file_format = f"dlt_{table}", "parquet"
    pipeline = dlt.pipeline(pipeline_name=f"bench_{table}_{kind}", destination=destination, dataset_name=dataset, pipelines_dir=work_dir)
    pipeline.run(resource, write_disposition="replace", loader_file_format=file_format)
    rows = pipeline.last_trace.last_normalize_info.row_counts.get(table, 0)
    print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
