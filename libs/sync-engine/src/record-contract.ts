// Enforces a stream's data contract on its records (DESIGN §5): values that do not fit their
// column's accepted type are let through (evolve), fail the sync (freeze), send the row to
// quarantine (discard_row) or are nulled with the original row quarantined (discard_value).
import { ConfigError } from '@tributary/connector-sdk';
import { misfit, type DataContract, type JsonObject, type StreamContract } from '@tributary/protocol';

export interface QuarantinedRow {
  record: Record<string, unknown>;
  column: string;
  reason: string;
  contract: DataContract;
}

export interface ContractOutcome {
  /** The row to write, or undefined when it goes to quarantine only. */
  data?: Record<string, unknown>;
  quarantined?: QuarantinedRow;
}

/** A compiled contract for one stream; null when every column evolves (nothing to check). */
export type RecordContract = (data: Record<string, unknown>) => ContractOutcome;

export function compileContract(streamName: string, schema: JsonObject, contract: StreamContract | undefined): RecordContract | null {
  if (!contract) return null;
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const checked = Object.entries(properties)
    .map(([column, columnSchema]) => ({ column, columnSchema, rule: contract.columns?.[column] ?? contract.default }))
    .filter((c) => c.rule !== 'evolve');
  if (!checked.length) return null;
  return (data) => {
    let out = data;
    let quarantined: QuarantinedRow | undefined;
    for (const { column, columnSchema, rule } of checked) {
      if (!(column in data)) continue;
      const why = misfit(columnSchema, data[column]);
      if (!why) continue;
      const reason = `column ${column}: ${why}`;
      switch (rule) {
        case 'freeze':
          throw new ConfigError(`stream ${streamName}, ${reason}, and the column's contract is freeze`);
        case 'discard_row':
          return { quarantined: { record: data, column, reason, contract: rule } };
        case 'discard_value':
          if (out === data) out = { ...data };
          out[column] = null;
          quarantined ??= { record: data, column, reason, contract: rule };
          break;
        default:
          break;
      }
    }
    return { data: out, ...(quarantined ? { quarantined } : {}) };
  };
}
