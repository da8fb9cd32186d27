// One mapping from classified connector errors to Temporal failures: config errors are never
// retried; transient and system errors are, within the workflow's retry policy.
import { ApplicationFailure } from '@temporalio/activity';
import type { FailureType } from '@tributary/protocol';
import { CONFIG_ERROR_TYPE, SYSTEM_ERROR_TYPE, TRANSIENT_ERROR_TYPE } from '@tributary/workflows';

const TYPE_BY_FAILURE: Record<FailureType, string> = {
  config_error: CONFIG_ERROR_TYPE,
  transient_error: TRANSIENT_ERROR_TYPE,
  system_error: SYSTEM_ERROR_TYPE,
};

export function toApplicationFailure(failureType: FailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: TYPE_BY_FAILURE[failureType], nonRetryable: failureType === 'config_error' });
}
