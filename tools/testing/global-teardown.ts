// Jest global teardown of the integration project: stops what global-setup started.
import { stopTestInfrastructure, takeTestInfrastructure } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const infrastructure = takeTestInfrastructure();
  if (infrastructure) await stopTestInfrastructure(infrastructure);
}
