// Every connector package in connectors/ runs the conformance suite with its own fixture
// (test/conformance.fixture.{ts,js,json}); a connector without one fails here. The connectors are
// loaded through the registry from their build, as the worker loads them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from '@tributary/connector-sdk';
import { ConformanceSuite, findFixtureFile, FIXTURE_FILES, loadConnectorUnderTest, loadFixture } from '@tributary/connector-sdk/testing';

const CONNECTORS = resolve(__dirname, '..', '..', '..', 'connectors');

const packages = readdirSync(CONNECTORS)
  .filter((name) => existsSync(join(CONNECTORS, name, MANIFEST_FILE)))
  .sort()
  .map((name) => {
    const manifest = JSON.parse(readFileSync(join(CONNECTORS, name, MANIFEST_FILE), 'utf8')) as { kind: 'source' | 'destination' };
    return { name, directory: join(CONNECTORS, name), kind: manifest.kind };
  });

describe.each(packages)('conformance of connectors/$name', ({ directory, kind }) => {
  if (!findFixtureFile(directory)) {
    it('has a conformance fixture', () => {
      expect(`test/${FIXTURE_FILES.join(' or test/')} with a good and a bad config`).toBe('present: add one (see docs/connectors/sdk-reference.md)');
    });
    return;
  }

  let suite: ConformanceSuite | undefined;
  beforeAll(async () => {
    suite = await ConformanceSuite.start(await loadConnectorUnderTest(directory), loadFixture(directory));
  });
  afterAll(async () => {
    await suite?.close();
  });

  it.each([...ConformanceSuite.checks(kind)])('%s', async (check) => {
    if (!suite) throw new Error('the fixture setup failed');
    await expect(suite.run(check)).resolves.toMatchObject({ status: expect.stringMatching(/^(passed|skipped)$/) });
  });
});
