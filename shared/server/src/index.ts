export * from './runtime';
export * from './error-masking';
export * from './metrics';
export * from './http-app';
export * from './subgraph-server';
export * from './loaders';
export * from './service-kit';
