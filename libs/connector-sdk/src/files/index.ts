// The file-format layer shared by file destinations and the file source: formats (JSONL, CSV,
// Parquet, gzip), the path template, the per-stream manifest, object stores (local, S3) and the
// write loop with rollover, checkpoints and resume.
export * from './abortable.iterable';
export * from './column-plan';
export * from './file-output.options';
export * from './file-streams.writer';
export * from './file-system.error';
export * from './local-object-store';
export * from './manifest';
export * from './object-store';
export * from './parquet-file.reader';
export * from './path-template';
export * from './record-file.writer';
export * from './record-row';
export * from './s3-error';
export * from './s3-object-store';
export * from './typed-values';
export { csvField } from './csv-file.writer';
