/** Standards events (`creditbank.standards.v1`); defined with the standards service (#5). */
export const STANDARDS_EVENTS = [] as const;
