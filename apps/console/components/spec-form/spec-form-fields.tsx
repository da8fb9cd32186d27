'use client';
// Renders the fields of a connector spec (see lib/spec-form): one input per field, labelled, with
// its description as help, its first example as placeholder and its validation message below.
import { useId, useState } from 'react';
import {
  fieldKey,
  getAt,
  isMaskedSecret,
  variantDefault,
  variantIndex,
  type ArrayField,
  type FieldNode,
  type JsonValue,
  type OneOfField,
  type Path,
} from '../../lib/spec-form/spec-form.model';
import { defaultValue } from '../../lib/spec-form/spec-form.model';

export interface FieldsProps {
  fields: FieldNode[];
  value: JsonValue;
  path: Path;
  errors: Record<string, string>;
  onChange: (path: Path, next: JsonValue) => void;
}

export function SpecFields({ fields, value, path, errors, onChange }: FieldsProps) {
  return (
    <>
      {fields.map((field) => (
        <SpecField key={field.name} field={field} value={getAt(value, [...path, field.name])} path={[...path, field.name]} errors={errors} onChange={onChange} />
      ))}
    </>
  );
}

interface FieldProps {
  field: FieldNode;
  value: JsonValue;
  path: Path;
  errors: Record<string, string>;
  onChange: (path: Path, next: JsonValue) => void;
  /** Label shown instead of the field's title (array items). */
  label?: string;
}

function Help({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p className="help" id={id}>
      {text}
    </p>
  ) : null;
}

function ErrorText({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p className="error" id={id} role="alert">
      {text}
    </p>
  ) : null;
}

function Label({ htmlFor, field, label }: { htmlFor: string; field: FieldNode; label?: string }) {
  return (
    <label htmlFor={htmlFor}>
      {label ?? field.title}
      {field.required && !label ? (
        <span className="required" aria-hidden="true">
          *
        </span>
      ) : null}
    </label>
  );
}

export function SpecField({ field, value, path, errors, onChange, label }: FieldProps) {
  const id = `f-${useId().replace(/:/g, '')}`;
  const key = fieldKey(path);
  const error = errors[key];
  const describedBy = [field.description ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, 'aria-required': field.required || undefined } as const;

  switch (field.kind) {
    case 'string':
    case 'number':
    case 'integer': {
      const isNumber = field.kind !== 'string';
      const text = value === undefined || value === null ? '' : String(value);
      const set = (raw: string) => {
        if (raw === '') return onChange(path, undefined);
        if (!isNumber) return onChange(path, raw);
        const parsed = Number(raw);
        onChange(path, Number.isFinite(parsed) && raw.trim() !== '' ? parsed : raw);
      };
      return (
        <div className="field">
          <Label htmlFor={id} field={field} label={label} />
          {field.kind === 'string' && field.multiline && !field.secret ? (
            <textarea {...common} name={key} value={text} placeholder={field.placeholder} onChange={(e) => set(e.target.value)} />
          ) : (
            <input
              {...common}
              name={key}
              type={field.kind === 'string' && field.secret ? 'password' : 'text'}
              inputMode={field.kind === 'integer' ? 'numeric' : field.kind === 'number' ? 'decimal' : undefined}
              autoComplete={field.kind === 'string' && field.secret ? 'new-password' : 'off'}
              value={text}
              placeholder={field.placeholder}
              onChange={(e) => set(e.target.value)}
              onFocus={(e) => {
                // A stored secret shows as its mask: focusing selects it so typing replaces it.
                if (isMaskedSecret(e.target.value)) e.target.select();
              }}
            />
          )}
          {field.kind === 'string' && field.secret && isMaskedSecret(value) ? <p className="help">Stored secret: leave as is to keep it, or type a new one.</p> : null}
          <Help id={`${id}-help`} text={field.description} />
          <ErrorText id={`${id}-error`} text={error} />
        </div>
      );
    }
    case 'enum':
      return (
        <div className="field">
          <Label htmlFor={id} field={field} label={label} />
          <select
            {...common}
            name={key}
            value={value === undefined || value === null ? '' : String(value)}
            onChange={(e) => {
              const option = field.options.find((o) => String(o.value) === e.target.value);
              onChange(path, option ? option.value : undefined);
            }}
          >
            {!field.required || value === undefined ? <option value="">{field.required ? 'Choose…' : '(not set)'}</option> : null}
            {field.options.map((o) => (
              <option key={String(o.value)} value={String(o.value)}>
                {o.label}
              </option>
            ))}
          </select>
          <Help id={`${id}-help`} text={field.description} />
          <ErrorText id={`${id}-error`} text={error} />
        </div>
      );
    case 'boolean':
      return (
        <div className="field">
          <div className="row">
            <input {...common} name={key} type="checkbox" checked={value === true} onChange={(e) => onChange(path, e.target.checked)} />
            <Label htmlFor={id} field={field} label={label} />
          </div>
          <Help id={`${id}-help`} text={field.description} />
          <ErrorText id={`${id}-error`} text={error} />
        </div>
      );
    case 'json':
      return <JsonInput field={field} value={value} path={path} errors={errors} onChange={onChange} id={id} label={label} />;
    case 'array':
      return <ArrayInput field={field} value={value} path={path} errors={errors} onChange={onChange} id={id} />;
    case 'object':
      return (
        <fieldset className="group" aria-describedby={describedBy}>
          <legend>{label ?? field.title}</legend>
          <Help id={`${id}-help`} text={field.description} />
          <ErrorText id={`${id}-error`} text={error} />
          <SpecFields fields={field.fields} value={value} path={path} errors={errors} onChange={onChange} />
        </fieldset>
      );
    case 'oneOf':
      return <OneOfInput field={field} value={value} path={path} errors={errors} onChange={onChange} id={id} />;
  }
}

function JsonInput({ field, value, path, errors, onChange, id, label }: FieldProps & { id: string }) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [parseError, setParseError] = useState<string>();
  const error = parseError ?? errors[fieldKey(path)];
  return (
    <div className="field">
      <Label htmlFor={id} field={field} label={label} />
      <textarea
        id={id}
        className="mono"
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help ${id}-error`}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setParseError(undefined);
            return onChange(path, undefined);
          }
          try {
            onChange(path, JSON.parse(e.target.value));
            setParseError(undefined);
          } catch {
            setParseError('is not valid JSON');
          }
        }}
      />
      <Help id={`${id}-help`} text={field.description ?? 'JSON'} />
      <ErrorText id={`${id}-error`} text={error} />
    </div>
  );
}

function ArrayInput({ field, value, path, errors, onChange, id }: Omit<FieldProps, 'field'> & { field: ArrayField; id: string }) {
  const items = Array.isArray(value) ? value : [];
  const error = errors[fieldKey(path)];
  const scalar = field.item.kind === 'string' || field.item.kind === 'number' || field.item.kind === 'integer' || field.item.kind === 'enum';
  return (
    <fieldset className="group" aria-describedby={`${id}-help ${id}-error`}>
      <legend>
        {field.title}
        {field.required ? (
          <span className="required" aria-hidden="true">
            *
          </span>
        ) : null}
      </legend>
      <Help id={`${id}-help`} text={field.description} />
      {items.map((item, index) => (
        <div className="array-item" key={index}>
          <SpecField field={field.item} value={item} path={[...path, index]} errors={errors} onChange={onChange} label={`${field.title} ${index + 1}`} />
          <button
            type="button"
            className="button small"
            style={{ marginTop: scalar ? 24 : 8 }}
            aria-label={`Remove ${field.title} ${index + 1}`}
            onClick={() => {
              const next = items.filter((_, i) => i !== index);
              onChange(path, next.length ? next : undefined);
            }}
          >
            Remove
          </button>
        </div>
      ))}
      <p style={{ margin: '0 0 10px' }}>
        <button type="button" className="button small" onClick={() => onChange(path, [...items, defaultValue(field.item.schema) ?? (scalar ? '' : {})])}>
          Add {field.title.toLowerCase()}
        </button>
      </p>
      <ErrorText id={`${id}-error`} text={error} />
    </fieldset>
  );
}

function OneOfInput({ field, value, path, errors, onChange, id }: Omit<FieldProps, 'field'> & { field: OneOfField; id: string }) {
  const selected = variantIndex(field, value);
  const variant = field.variants[selected];
  const error = errors[fieldKey(path)];
  return (
    <fieldset className="group">
      <legend>{field.title}</legend>
      <div className="field">
        <label htmlFor={id}>{field.title}: option</label>
        <select id={id} value={String(selected)} onChange={(e) => onChange(path, variantDefault(field, Number(e.target.value)))} aria-describedby={`${id}-help`}>
          {field.variants.map((v, i) => (
            <option key={i} value={String(i)}>
              {v.title}
            </option>
          ))}
        </select>
        <Help id={`${id}-help`} text={field.description} />
        <ErrorText id={`${id}-error`} text={error} />
      </div>
      {variant ? <SpecFields fields={variant.fields} value={value} path={path} errors={errors} onChange={onChange} /> : null}
    </fieldset>
  );
}
