// The credit computation and the import data standard are written in the standards issue (#5).
export {};
