// What a connector's name must look like, and the names derived from it. The name is the
// connector id (`source-acme-crm`), the package directory and, inside the repository's
// connectors/, the npm name `@tributary/<name>`; file and class names come from its stem.
import type { ConnectorKind } from '@tributary/protocol';
import { ScaffoldException, ScaffoldExceptionCode } from './scaffold.exception';

export interface ConnectorNames {
  /** `source-acme-crm`: the connector id in the catalog and the package directory. */
  id: string;
  kind: ConnectorKind;
  /** `acme-crm`: file names (`acme-crm.source.ts`). */
  stem: string;
  /** `AcmeCrm`: class names (`AcmeCrmSource`). */
  pascal: string;
  /** `Acme Crm`: the name shown in the console. */
  title: string;
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PREFIXES: Record<ConnectorKind, string> = { source: 'source-', destination: 'destination-' };
const MAX_LENGTH = 64;

/**
 * Validates a name against the kind. `--kind` may be left out: the prefix says it. Throws a
 * ScaffoldException with the rule and an example when the name does not fit.
 */
export function connectorNames(name: string, kind?: ConnectorKind): ConnectorNames {
  const prefixed = (Object.keys(PREFIXES) as ConnectorKind[]).find((k) => name.startsWith(PREFIXES[k]));
  const resolvedKind = kind ?? prefixed;
  if (!resolvedKind) {
    throw new ScaffoldException(ScaffoldExceptionCode.INVALID_NAME, `"${name}" must start with "source-" or "destination-" (e.g. source-${example(name)}), or pass --kind.`);
  }
  const prefix = PREFIXES[resolvedKind];
  if (!name.startsWith(prefix)) {
    throw new ScaffoldException(ScaffoldExceptionCode.INVALID_NAME, `a ${resolvedKind} connector's name must start with "${prefix}": try "${prefix}${example(name.replace(/^(source|destination)-/, ''))}".`);
  }
  if (!KEBAB_CASE.test(name)) {
    throw new ScaffoldException(ScaffoldExceptionCode.INVALID_NAME, `"${name}" must be kebab-case: lower-case letters and digits in words joined by single dashes, starting with a letter (e.g. ${prefix}acme-crm).`);
  }
  if (name.length > MAX_LENGTH) throw new ScaffoldException(ScaffoldExceptionCode.INVALID_NAME, `"${name}" is longer than ${MAX_LENGTH} characters.`);
  const stem = name.slice(prefix.length);
  if (!stem) throw new ScaffoldException(ScaffoldExceptionCode.INVALID_NAME, `"${name}" needs a name after "${prefix}" (e.g. ${prefix}acme-crm).`);
  const words = stem.split('-');
  return {
    id: name,
    kind: resolvedKind,
    stem,
    pascal: words.map(capitalise).join(''),
    title: words.map(capitalise).join(' '),
  };
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A kebab-case version of whatever was typed, for the example in a message. */
function example(name: string): string {
  const cleaned = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(source|destination)(-|$)/, '');
  return /^[a-z]/.test(cleaned) ? cleaned : 'acme-crm';
}
