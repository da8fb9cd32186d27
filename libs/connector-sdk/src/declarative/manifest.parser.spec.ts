import { interpolate, interpolateString } from './interpolation';
import { ManifestError, manifestIssues, parseManifest } from './manifest.parser';

const VALID = `
version: "1"
spec:
  connection_specification:
    type: object
    properties: { token: { type: string, secret: true } }
base_url: https://api.example.com
auth: { type: bearer, token: "{{ config.token }}" }
streams:
  - name: users
    path: /users
    pagination: { type: page_number, page_size: 10 }
  - name: orders
    path: /users/{{ parent.id }}/orders
    parent: { stream: users }
`;

describe('manifest parser', () => {
  it('accepts a valid manifest as YAML text or object', () => {
    const manifest = parseManifest(VALID);
    expect(manifest.streams.map((s) => s.name)).toEqual(['users', 'orders']);
    expect(parseManifest(manifest)).toEqual(manifest);
  });

  it('names the field of each problem', () => {
    const broken = VALID.replace('page_size: 10', 'page_size: 0, page: 3').replace('type: bearer', 'type: bearer, key: x');
    expect(manifestIssues(broken)).toEqual(
      expect.arrayContaining([
        { field: 'streams[0].pagination.page_size', message: 'must be >= 1' },
        { field: 'streams[0].pagination.page', message: 'is not a known field' },
        { field: 'auth.key', message: 'is not a known field' },
      ]),
    );
  });

  it('checks what the schema cannot: parents, cycles, duplicate names, the check stream', () => {
    const cyclic = VALID.replace('path: /users\n', 'path: /users\n    parent: { stream: orders }\n');
    expect(manifestIssues(cyclic)).toEqual(expect.arrayContaining([{ field: 'streams[0].parent.stream', message: 'parents form a cycle: users → orders → users' }]));
    expect(manifestIssues(VALID.replace('name: orders', 'name: users'))).toEqual(expect.arrayContaining([{ field: 'streams[1].name', message: '"users" is already the name of streams[0]' }]));
    expect(manifestIssues(`${VALID}check: { stream: nope }\n`)).toEqual([{ field: 'check.stream', message: 'no stream is named "nope"' }]);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = manifestIssues('version: "1"\nstreams: [\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/is not valid YAML \(line \d+, column \d+\)/);
  });

  it('throws a ManifestError, a config error listing the issues', () => {
    expect(() => parseManifest('version: "2"')).toThrow(ManifestError);
    expect(() => parseManifest('version: "2"')).toThrow(/invalid manifest: .*version/);
  });
});

describe('interpolation', () => {
  const context = { config: { token: 'abc', page_size: 50, nested: { 'a b': 1 } }, parent: { id: 'u/1' } };

  it('keeps the type of a whole expression and drops a missing one', () => {
    expect(interpolate('{{ config.page_size }}', context)).toBe(50);
    expect(interpolate('{{ config.missing }}', context)).toBeUndefined();
    expect(interpolate("{{ config.nested['a b'] }}", context)).toBe(1);
  });

  it('builds strings, encoding path values when asked', () => {
    expect(interpolateString('Bearer {{ config.token }}', context)).toBe('Bearer abc');
    expect(interpolateString('/users/{{ parent.id }}/orders', context, encodeURIComponent)).toBe('/users/u%2F1/orders');
    expect(interpolateString('x{{ config.missing }}y', context)).toBe('xy');
  });

  it('allows paths only: no expressions, no other roots', () => {
    expect(() => interpolate("{{ process.env.HOME }}", context)).toThrow(/only paths under config, parent or record/);
    expect(() => interpolate("{{ config.token + '1' }}", context)).toThrow(/only paths/);
  });
});
