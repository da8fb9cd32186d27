// setupFilesAfterEnv of the integration project: a timeout fit for tests that start real processes
// (Jest reads `testTimeout` only from the top level of its config, not from a project), and a
// safety net that stops every stack a test file left running — even one still starting when its
// test timed out.
import { stopAllStacks } from './stack';

jest.setTimeout(180_000);

afterAll(() => stopAllStacks());
