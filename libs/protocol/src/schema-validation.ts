// JSON-Schema (draft 2020-12) validation of connector configs and records. Validators are
// compiled once per schema object and cached; errors come back as issues a person can act on.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface ValidationIssue {
  /** Dotted path of the offending field (`credentials.password`, `streams[0].name`); '' for the root. */
  field: string;
  message: string;
}

/** Annotation keywords our specs use beyond the standard vocabulary. */
const SPEC_KEYWORDS = ['secret', 'order', 'airbyte_secret', 'airbyte_hidden', 'always_show', 'group', 'multiline', 'display_type'];

const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: false, allowUnionTypes: true });
addFormats(ajv);
// Databases have dates and times without a zone (timestamp, datetime, time): the stream schema says
// so with `airbyte_type`, and the value has no offset. Accept both forms.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i);
ajv.addFormat('time', /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i);
// Type hints connectors put in `format` for typed destinations (see docs/connectors/sdk-reference.md).
for (const hint of ['decimal', 'int16', 'int32', 'int64', 'float', 'double', 'json', 'binary']) ajv.addFormat(hint, true);
for (const keyword of SPEC_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['boolean', 'number', 'string'] });

const cache = new WeakMap<object, ValidateFunction>();

function compiled(schema: object): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  return validate;
}

/** Throws when the schema itself is not a valid JSON Schema. */
export function assertValidSchema(schema: object): void {
  if (!ajv.validateSchema(schema)) {
    const issues = (ajv.errors ?? []).map(describeError);
    throw new Error(`invalid JSON Schema: ${issues.map((i) => `${i.field || '(root)'} ${i.message}`).join('; ')}`);
  }
  compiled(schema);
}

export function validateAgainstSchema(schema: object, value: unknown): ValidationIssue[] {
  const validate = compiled(schema);
  if (validate(value)) return [];
  return collapse((validate.errors ?? []).map(describeError));
}

/** One line summarising issues, e.g. `port: must be integer; host: is required`. */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
}

function pointerToField(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function describeError(error: ErrorObject): ValidationIssue {
  const base = pointerToField(error.instancePath);
  const join = (child: string) => (base ? `${base}.${child}` : child);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: join(String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: join(String(params.additionalProperty)), message: 'is not a known field' };
    case 'type':
      return { field: base, message: `must be of type ${String(params.type)}` };
    case 'enum':
      return { field: base, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { field: base, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { field: base, message: error.message ?? 'is invalid' };
  }
}

/** oneOf failures report every branch; keep the most specific issues and drop duplicates. */
function collapse(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  const specific = issues.filter((i) => !/must match exactly one schema in oneOf/.test(i.message) || issues.length === 1);
  return specific.filter((i) => {
    const key = `${i.field}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
