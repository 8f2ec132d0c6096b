export * from './infra';
export * from './namespace';
export * from './tokens';
export * from './graphql-client';
export * from './eventually';
export * from './kafka-tap';
export * from './service-env';
export * from './seed-builder';
