// The Builder's test read as a short workflow: one attempt (a failing API is reported in the
// result, not retried), bounded by a timeout.
import { proxyActivities } from '@temporalio/workflow';
import type { DeclarativeActivities, TestDeclarativeStreamInput, TestDeclarativeStreamOutput } from './declarative.contracts';

const declarative = proxyActivities<DeclarativeActivities>({
  startToCloseTimeout: '3 minutes',
  retry: { maximumAttempts: 1 },
});

export async function testDeclarativeStreamWorkflow(input: TestDeclarativeStreamInput): Promise<TestDeclarativeStreamOutput> {
  return declarative.testDeclarativeStream(input);
}
