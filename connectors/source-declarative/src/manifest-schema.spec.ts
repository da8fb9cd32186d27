// The published manifest.schema.json is the SDK's schema written out: editors complete and check
// manifests against the file, the API and the connector validate against the object. Regenerate
// the file with TRIBUTARY_UPDATE_MANIFEST_SCHEMA=1.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DECLARATIVE_MANIFEST_SCHEMA, manifestIssues } from '@tributary/connector-sdk/declarative';

const FILE = join(__dirname, '..', 'manifest.schema.json');

describe('manifest.schema.json', () => {
  it('is the schema the runtime validates with', () => {
    const text = `${JSON.stringify(DECLARATIVE_MANIFEST_SCHEMA, null, 2)}\n`;
    if (process.env['TRIBUTARY_UPDATE_MANIFEST_SCHEMA'] === '1') writeFileSync(FILE, text);
    expect(readFileSync(FILE, 'utf8')).toBe(text);
  });

  it.each(readdirSync(join(__dirname, '..', 'examples')).filter((f) => f.endsWith('.yaml')))('accepts the example %s', (file) => {
    expect(manifestIssues(readFileSync(join(__dirname, '..', 'examples', file), 'utf8'))).toEqual([]);
  });
});
