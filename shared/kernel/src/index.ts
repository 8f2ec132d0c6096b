export * from './roles';
export * from './caller';
export * from './errors';
export * from './tenancy';
export * from './pagination';
export * from './account-no';
export * from './component';
