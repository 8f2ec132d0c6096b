export * from './kafka';
export * from './topic-admin';
export * from './publisher';
export * from './outbox';
export * from './bulk-outbox';
export * from './outbox-relay';
export * from './consumer';
export * from './metrics';
