// pg returns bigint columns as strings; our counters stay well inside Number.MAX_SAFE_INTEGER.
import type { ValueTransformer } from 'typeorm';

export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
