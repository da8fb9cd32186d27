// The Builder's test read on the worker: opens the sealed config, runs one stream of the manifest
// for a few pages (testDeclarativeStream masks credentials in what it reports), and stores the
// result for the API to pick up — records stay out of Temporal history. A manifest or config that
// cannot run at all is a config error; a failing API is part of the result.
import { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { classifyError, type JsonLogger } from '@tributary/connector-sdk';
import { testDeclarativeStream } from '@tributary/connector-sdk/declarative';
import type { SecretCipher } from '@tributary/persistence';
import type { DeclarativeActivities, TestDeclarativeStreamInput, TestDeclarativeStreamOutput } from '@tributary/workflows';
import { toApplicationFailure } from './failure-mapping';

export interface DeclarativeActivityDependencies {
  dataSource: DataSource;
  cipher: SecretCipher;
  logger: JsonLogger;
}

const TEST_READ_TIMEOUT_MS = 120_000;

export function createDeclarativeActivities(deps: DeclarativeActivityDependencies): DeclarativeActivities {
  async function testDeclarativeStreamActivity(input: TestDeclarativeStreamInput): Promise<TestDeclarativeStreamOutput> {
    const config = deps.cipher.open(input.sealedConfig);
    const logger = deps.logger.child({ operation: 'test-stream', stream: input.stream });
    const signal = AbortSignal.any([Context.current().cancellationSignal, AbortSignal.timeout(TEST_READ_TIMEOUT_MS)]);
    let result;
    try {
      result = await testDeclarativeStream({ manifest: input.manifest, config }, { stream: input.stream, maxPages: input.maxPages, maxRecords: input.maxRecords, state: input.state, signal, logger });
    } catch (error) {
      const { failureType, message } = classifyError(error);
      throw toApplicationFailure(failureType, message);
    }
    // Results are read once by the API right away; anything older than an hour was abandoned.
    await deps.dataSource.query(`DELETE FROM connector_builder_test_reads WHERE created_at < now() - interval '1 hour'`);
    const rows = (await deps.dataSource.query(`INSERT INTO connector_builder_test_reads (result) VALUES ($1) RETURNING id`, [JSON.stringify(result)])) as { id: string }[];
    return { resultId: rows[0]!.id };
  }

  return { testDeclarativeStream: testDeclarativeStreamActivity };
}
