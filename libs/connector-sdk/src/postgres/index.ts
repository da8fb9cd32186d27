export * from './postgres-connection';
export * from './binary-copy';
export { BinaryTupleIndex, readFloat4, readFloat8, readInt16, readInt32 } from './binary-copy.fields';
export { asciiTextWriter, type ByteSink, GrowingByteSink, jsonValueWriter, type JsonValueWriter, putBytes, putUuidText, type TextWriter } from './binary-copy.text';
