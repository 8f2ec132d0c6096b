export * from './topics';
export * from './envelope';
export * from './event-definition';
export * from './catalog';
export * from './validation';
export * from './create-event';
export * from './events/common';
export * from './events/account.events';
