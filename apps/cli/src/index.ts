// Public entry point of @tributary/cli for code that reuses its process machinery.
export * from './stack';
