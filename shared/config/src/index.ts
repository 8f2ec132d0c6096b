export { z } from 'zod';
export * from './load-env';
export * from './local-defaults';
export * from './service-env';
