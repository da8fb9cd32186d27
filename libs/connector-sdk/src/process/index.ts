// process: see libs/connector-sdk/README.md.
export {};
