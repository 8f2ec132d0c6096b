export * from './types';
export * from './subtypes';
export * from './compute-credits';
export * from './import-schema';
