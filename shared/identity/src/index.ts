export * from './resident-id';
export * from './id-hash';
