export * from './resident-id';
export * from './id-hash';
export * from './uscc';
export * from './pii-cipher';
