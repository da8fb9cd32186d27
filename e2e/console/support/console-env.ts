// What the global setup tells the tests (through the environment, which Playwright passes on to
// its workers).
export const CONSOLE_ENV = {
  consoleUrl: 'TRIBUTARY_E2E_CONSOLE_URL',
  apiUrl: 'TRIBUTARY_E2E_API_URL',
  apiToken: 'TRIBUTARY_E2E_API_TOKEN',
} as const;

export function consoleEnv(): { consoleUrl: string; apiUrl: string; apiToken: string } {
  const read = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the console tests through Playwright ("npm run test:console"), whose global setup starts the stack.`);
    return value;
  };
  return { consoleUrl: read(CONSOLE_ENV.consoleUrl), apiUrl: read(CONSOLE_ENV.apiUrl), apiToken: read(CONSOLE_ENV.apiToken) };
}
