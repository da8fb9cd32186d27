// Runs the whole suite on a connector package (or an executable) and reports each check: what the
// CLI's `tributary connector test` prints, and what a repository-wide test iterates over.
import { ConnectorRegistry } from '../connector-registry';
import type { ConformanceFixture } from './conformance.fixture';
import { type CheckOutcome, ConformanceSuite, type ConnectorUnderTest } from './conformance.suite';

export interface ConformanceResult {
  check: string;
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
  durationMs: number;
}

/** The connector package in `directory`, through the registry (so executables work too). */
export async function loadConnectorUnderTest(directory: string): Promise<ConnectorUnderTest> {
  const registry = ConnectorRegistry.load({ connectorDirectories: [], plugins: [directory] });
  const problem = registry.problems[0];
  if (problem) throw new Error(`${problem.location}: ${problem.message}`);
  const [registered] = registry.list();
  if (!registered) throw new Error(`no connector in ${directory}`);
  return { manifest: registered.manifest, implementation: await registry.implementation(registered.manifest.id) };
}

export async function runConformanceSuite(target: ConnectorUnderTest, fixture: ConformanceFixture, onResult?: (result: ConformanceResult) => void): Promise<ConformanceResult[]> {
  const results: ConformanceResult[] = [];
  const report = (result: ConformanceResult) => {
    results.push(result);
    onResult?.(result);
  };
  let suite: ConformanceSuite;
  try {
    suite = await ConformanceSuite.start(target, fixture);
  } catch (error) {
    report({ check: 'fixture setup', status: 'failed', message: (error as Error).message, durationMs: 0 });
    return results;
  }
  try {
    for (const check of ConformanceSuite.checks(target.manifest.kind)) {
      const started = Date.now();
      try {
        const outcome: CheckOutcome = await suite.run(check);
        report({ check, status: outcome.status, message: outcome.note, durationMs: Date.now() - started });
      } catch (error) {
        report({ check, status: 'failed', message: (error as Error).message, durationMs: Date.now() - started });
      }
    }
  } finally {
    await suite.close();
  }
  return results;
}
