// The Builder's test read of one stream of a declarative manifest, run on a worker (connector code
// and outbound requests never run in the API). Only descriptors cross Temporal: the manifest, the
// config with its secret fields sealed, and the id of the stored result (records stay out of
// Temporal history: the worker stores the result, the API reads and deletes it).
import type { JsonObject } from '@tributary/protocol';

export const TEST_DECLARATIVE_STREAM_WORKFLOW_TYPE = 'testDeclarativeStreamWorkflow';

export interface TestDeclarativeStreamInput {
  manifest: JsonObject;
  /** The config with the secret fields of the manifest's spec sealed (SecretCipher). */
  sealedConfig: JsonObject;
  stream: string;
  maxPages: number;
  maxRecords: number;
  state?: JsonObject;
}

export interface TestDeclarativeStreamOutput {
  /** Row of connector_builder_test_reads holding the StreamTestResult. */
  resultId: string;
}

export interface DeclarativeActivities {
  testDeclarativeStream(input: TestDeclarativeStreamInput): Promise<TestDeclarativeStreamOutput>;
}
