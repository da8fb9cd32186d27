export * from './contracts';
export * from './declarative.contracts';

/** The workflow module's file, for the worker to bundle (workflow code never imports this index). */
export const WORKFLOWS_PATH: string = require.resolve('./workflows');
