// The console's typed client is generated from this document (apps/console/lib/api/openapi.json
// and openapi.d.ts): when a controller or DTO changes, this fails until the client is regenerated
// with `npm run generate:api -w @tributary/console`, which runs this file with
// TRIBUTARY_UPDATE_OPENAPI=1 to write both files instead of comparing them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildOpenApiDocumentOffline, serializeOpenApiDocument } from './openapi-document';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const CONSOLE_API = join(ROOT, 'apps', 'console', 'lib', 'api');
const REGENERATE = 'run "npm run generate:api -w @tributary/console" and commit the result';
const UPDATE = process.env['TRIBUTARY_UPDATE_OPENAPI'] === '1';

describe('OpenAPI document', () => {
  let text: string;
  beforeAll(async () => {
    text = serializeOpenApiDocument(await buildOpenApiDocumentOffline());
  });

  it('is built without a database and describes every resource', () => {
    const document = JSON.parse(text) as { paths: Record<string, unknown>; components: { securitySchemes?: Record<string, unknown> } };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/sources', '/api/v1/connections/{id}', '/api/v1/jobs/{id}/logs', '/api/v1/schema-changes/{id}/approve']));
    expect(document.components.securitySchemes).toHaveProperty('bearer');
  });

  it('is the one the console client was generated from', () => {
    if (UPDATE) writeFileSync(join(CONSOLE_API, 'openapi.json'), text);
    const committed = readFileSync(join(CONSOLE_API, 'openapi.json'), 'utf8');
    if (committed !== text) throw new Error(`apps/console/lib/api/openapi.json is out of date: ${REGENERATE}.`);
    expect(committed).toBe(text);
  });

  it('matches the committed TypeScript types of the console client', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-openapi-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), text);
      const cli = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
      const run = spawnSync(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'openapi.d.ts')], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const generated = readFileSync(join(dir, 'openapi.d.ts'), 'utf8');
      if (UPDATE) writeFileSync(join(CONSOLE_API, 'openapi.d.ts'), generated);
      const committed = readFileSync(join(CONSOLE_API, 'openapi.d.ts'), 'utf8');
      if (committed !== generated) throw new Error(`apps/console/lib/api/openapi.d.ts is out of date: ${REGENERATE}.`);
      expect(committed).toBe(generated);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
