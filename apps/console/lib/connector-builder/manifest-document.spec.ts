import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from '../api/api-types';
import { apiManifestProblems, connectionSpecification, keyToPath, parseManifestDocument, schemaProblems, streamNames } from './manifest-document';

const MANIFEST_SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'connectors', 'source-declarative', 'manifest.schema.json'), 'utf8')) as JsonSchema;

const MANIFEST = `version: "1"
name: Demo
spec:
  connection_specification:
    type: object
    required: [token]
    properties:
      token: { type: string, secret: true }
base_url: https://api.example.com
streams:
  - name: users
    path: /users
    pagination: { type: page_number, page_size: 10 }
  - name: orders
    path: /orders
`;

describe('parseManifestDocument', () => {
  it('parses a manifest and finds its streams and config spec', () => {
    const document = parseManifestDocument(MANIFEST);
    expect(document.syntaxProblems).toEqual([]);
    expect(streamNames(document.manifest)).toEqual(['users', 'orders']);
    expect(connectionSpecification(document.manifest)).toMatchObject({ required: ['token'] });
  });

  it('reports YAML syntax errors with their line', () => {
    const document = parseManifestDocument('version: "1"\nstreams:\n  - name: users\n   path: [oops\n');
    expect(document.manifest).toBeUndefined();
    expect(document.syntaxProblems.length).toBeGreaterThan(0);
    expect(document.syntaxProblems[0]).toMatchObject({ source: 'yaml', line: expect.any(Number) });
    expect(document.syntaxProblems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses an empty text and a scalar', () => {
    expect(parseManifestDocument('  \n').syntaxProblems[0]!.message).toMatch(/empty/);
    expect(parseManifestDocument('just text').syntaxProblems[0]!.message).toMatch(/mapping/);
  });

  it('places a field key on its line, or on its closest parent', () => {
    const document = parseManifestDocument(MANIFEST);
    expect(document.lineOf('streams[0].pagination.page_size')).toBe(13);
    expect(document.lineOf('streams[1].path')).toBe(15);
    expect(document.lineOf('streams[1].record_selector')).toBe(14);
    expect(document.lineOf('')).toBe(1);
  });
});

describe('schemaProblems', () => {
  it('is empty for a valid manifest', () => {
    expect(schemaProblems(parseManifestDocument(MANIFEST), MANIFEST_SCHEMA)).toEqual([]);
  });

  it('names the field and its line', () => {
    const document = parseManifestDocument(MANIFEST.replace('page_size: 10', 'page_size: -3').replace('base_url: https://api.example.com\n', ''));
    const problems = schemaProblems(document, MANIFEST_SCHEMA);
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'base_url', message: 'is required', line: 1 })]));
    expect(problems.find((p) => p.field?.startsWith('streams[0].pagination'))?.line).toBe(12);
  });
});

describe('apiManifestProblems', () => {
  it('keeps the manifest issues of the API, placed on their lines', () => {
    const document = parseManifestDocument(MANIFEST);
    expect(
      apiManifestProblems(document, [
        { field: 'manifest.streams[1].path', message: 'must start with /' },
        { field: 'config.token', message: 'is required' },
      ]),
    ).toEqual([{ source: 'api', field: 'streams[1].path', line: 15, message: 'must start with /' }]);
  });
});

describe('keyToPath', () => {
  it('splits dots and indexes', () => {
    expect(keyToPath('streams[0].pagination.page_size')).toEqual(['streams', 0, 'pagination', 'page_size']);
    expect(keyToPath('')).toEqual([]);
  });
});
