// From a connector's JSON-Schema spec to the fields of its form, and back: the values a form
// starts from (defaults), where each value lives (field keys that match the API's issue paths,
// `credentials.password`, `streams[0].url`) and the validation messages at each field. Pure: the
// form component renders what this decides.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MASKED_SECRET, type JsonSchema } from '../api/api-types';

export type Path = (string | number)[];
export type JsonValue = unknown;

export type FieldNode =
  | ScalarField
  | EnumField
  | BooleanField
  | ArrayField
  | ObjectField
  | OneOfField
  | JsonField;

interface FieldBase {
  /** Property name ('' for an array item or a oneOf variant body). */
  name: string;
  title: string;
  description?: string;
  required: boolean;
  schema: JsonSchema;
}

export interface ScalarField extends FieldBase {
  kind: 'string' | 'number' | 'integer';
  secret: boolean;
  multiline: boolean;
  placeholder?: string;
}

export interface EnumField extends FieldBase {
  kind: 'enum';
  options: { value: string | number; label: string }[];
}

export interface BooleanField extends FieldBase {
  kind: 'boolean';
}

export interface ArrayField extends FieldBase {
  kind: 'array';
  item: FieldNode;
  placeholder?: string;
}

export interface ObjectField extends FieldBase {
  kind: 'object';
  fields: FieldNode[];
}

export interface OneOfVariant {
  title: string;
  /** The property whose constant value tells the variants apart, when there is one. */
  discriminator?: { name: string; value: unknown };
  fields: FieldNode[];
  schema: JsonSchema;
}

export interface OneOfField extends FieldBase {
  kind: 'oneOf';
  variants: OneOfVariant[];
}

/** Free-form JSON (an object without declared properties). */
export interface JsonField extends FieldBase {
  kind: 'json';
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  return schema.type;
}

function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function placeholderOf(schema: JsonSchema): string | undefined {
  const example = schema.examples?.[0];
  if (example === undefined || example === null) return undefined;
  return Array.isArray(example) ? example.join(', ') : typeof example === 'object' ? JSON.stringify(example) : String(example);
}

function constOf(schema: JsonSchema): { has: boolean; value?: unknown } {
  if ('const' in schema) return { has: true, value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return { has: true, value: schema.enum[0] };
  return { has: false };
}

/** The fields of an object schema, in `order`, then required first, then by name. */
export function objectFields(schema: JsonSchema): FieldNode[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => !property.airbyte_hidden)
    .sort(([a, pa], [b, pb]) => {
      const oa = pa.order ?? Number.MAX_SAFE_INTEGER;
      const ob = pb.order ?? Number.MAX_SAFE_INTEGER;
      if (oa !== ob) return oa - ob;
      if (required.has(a) !== required.has(b)) return required.has(a) ? -1 : 1;
      return a.localeCompare(b);
    })
    .map(([name, property]) => fieldOf(name, property, required.has(name)));
}

export function fieldOf(name: string, schema: JsonSchema, required: boolean): FieldNode {
  const base = { name, title: schema.title ?? humanize(name), description: schema.description, required, schema };
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.length && variants.every((v) => typeOf(v) === 'object' || v.properties)) {
    return {
      ...base,
      kind: 'oneOf',
      variants: variants.map((variant, index) => {
        const discriminatorEntry = Object.entries(variant.properties ?? {}).find(([, p]) => constOf(p).has);
        const discriminator = discriminatorEntry ? { name: discriminatorEntry[0], value: constOf(discriminatorEntry[1]).value } : undefined;
        return {
          title: variant.title ?? (discriminator ? String(discriminator.value) : `Option ${index + 1}`),
          discriminator,
          fields: objectFields(variant).filter((f) => f.name !== discriminator?.name),
          schema: variant,
        };
      }),
    };
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return {
      ...base,
      kind: 'enum',
      options: schema.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map((value) => ({ value, label: String(value) })),
    };
  }
  switch (typeOf(schema)) {
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'integer':
    case 'number':
      return { ...base, kind: typeOf(schema) as 'integer' | 'number', secret: false, multiline: false, placeholder: placeholderOf(schema) };
    case 'array':
      return { ...base, kind: 'array', item: fieldOf('', schema.items ?? { type: 'string' }, true), placeholder: placeholderOf(schema) };
    case 'object':
      return schema.properties && Object.keys(schema.properties).length ? { ...base, kind: 'object', fields: objectFields(schema) } : { ...base, kind: 'json' };
    default:
      return {
        ...base,
        kind: 'string',
        secret: !!(schema.secret || schema.airbyte_secret),
        multiline: !!schema.multiline,
        placeholder: placeholderOf(schema),
      };
  }
}

/** Which variant of a oneOf field a value is: by its discriminator, else the first. */
export function variantIndex(field: OneOfField, value: JsonValue): number {
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const byConst = field.variants.findIndex((v) => v.discriminator && record[v.discriminator.name] === v.discriminator.value);
    if (byConst >= 0) return byConst;
    const byKeys = field.variants.findIndex((v) => Object.keys(record).every((k) => k in (v.schema.properties ?? {})));
    if (byKeys >= 0) return byKeys;
  }
  return 0;
}

/** The starting value of a schema: its defaults, recursively (objects only where they have some). */
export function defaultValue(schema: JsonSchema): JsonValue {
  if (schema.default !== undefined) return structuredClone(schema.default);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.length) return variantDefault(fieldOf('', schema, true) as OneOfField, 0);
  if (typeOf(schema) === 'object' && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties)) {
      const value = defaultValue(property);
      if (value !== undefined) out[name] = value;
    }
    return Object.keys(out).length || (schema.required?.length ?? 0) > 0 ? out : undefined;
  }
  return undefined;
}

/** The value a oneOf field takes when the user picks a variant. */
export function variantDefault(field: OneOfField, index: number): Record<string, unknown> {
  const variant = field.variants[index];
  if (!variant) return {};
  const value = (defaultValue({ ...variant.schema, default: undefined, type: 'object', required: ['_'] }) as Record<string, unknown> | undefined) ?? {};
  if (variant.discriminator) value[variant.discriminator.name] = variant.discriminator.value;
  return value;
}

/** The config a new actor's form starts from. */
export function initialConfig(spec: JsonSchema): Record<string, unknown> {
  return (defaultValue({ ...spec, required: ['_'] }) as Record<string, unknown> | undefined) ?? {};
}

export function getAt(value: JsonValue, path: Path): JsonValue {
  return path.reduce<JsonValue>((current, key) => (current && typeof current === 'object' ? (current as Record<string | number, unknown>)[key] : undefined), value);
}

/** A copy of `root` with `next` at `path` (undefined removes an object key). */
export function setAt(root: JsonValue, path: Path, next: JsonValue): JsonValue {
  if (path.length === 0) return next;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const array = Array.isArray(root) ? [...root] : [];
    array[key] = setAt(array[key], rest, next);
    return array;
  }
  const object = root && typeof root === 'object' && !Array.isArray(root) ? { ...(root as Record<string, unknown>) } : {};
  const child = setAt(object[key as string], rest, next);
  if (child === undefined) delete object[key as string];
  else object[key as string] = child;
  return object;
}

/** The key of a field, in the API's notation: `a.b[0].c`. */
export function fieldKey(path: Path): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(ajv);
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function pointerToKey(pointer: string): string {
  return fieldKey(
    pointer
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
  );
}

function describe(error: ErrorObject): { key: string; message: string } {
  const base = pointerToKey(error.instancePath);
  const join = (child: string) => (base ? `${base}.${child}` : child);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { key: join(String(params['missingProperty'])), message: 'is required' };
    case 'additionalProperties':
      return { key: join(String(params['additionalProperty'])), message: 'is not a known field' };
    case 'type':
      return { key: base, message: `must be of type ${String(params['type'])}` };
    case 'enum':
      return { key: base, message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { key: base, message: error.message ?? 'is invalid' };
  }
}

/** Messages per field key (first one wins); an empty object when the value is valid. */
export function validateConfig(spec: JsonSchema, value: JsonValue): Record<string, string> {
  let validate = compiled.get(spec);
  if (!validate) {
    validate = ajv.compile(spec);
    compiled.set(spec, validate);
  }
  if (validate(value)) return {};
  const messages: Record<string, string> = {};
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const { key, message } = describe(error);
    messages[key] ??= message;
  }
  return messages;
}

/** The API's issues (`config.port: must be …`) as messages per field key of the config form. */
export function issuesByField(issues: { field: string; message: string }[], prefix = 'config'): Record<string, string> {
  const messages: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.field === prefix ? '' : issue.field.startsWith(`${prefix}.`) ? issue.field.slice(prefix.length + 1) : issue.field.startsWith(`${prefix}[`) ? issue.field.slice(prefix.length) : null;
    if (key !== null) messages[key] ??= issue.message;
  }
  return messages;
}

/** Whether a string value is the mask the API sends in place of a stored secret. */
export function isMaskedSecret(value: unknown): boolean {
  return value === MASKED_SECRET;
}
