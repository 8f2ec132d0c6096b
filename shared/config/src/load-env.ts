import { z } from 'zod';

/** Thrown when the environment does not satisfy a schema; lists every problem at once. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Parse an environment with a zod object schema. Every invalid variable is reported in one error,
 * by variable name, without echoing values (they may be secrets).
 */
export function loadEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
    return `${name}: ${issue.message}`;
  });
  throw new ConfigError(issues);
}

/** Environment booleans: "true"/"1"/"yes" and "false"/"0"/"no" (case-insensitive). */
export const envBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'True', 'False'])
    .optional()
    .transform((v) => (v === undefined ? defaultValue : ['true', '1', 'yes'].includes(v.toLowerCase())));

/** A TCP port number given as a string. */
export const envPort = (defaultValue: number) => z.coerce.number().int().min(0).max(65535).default(defaultValue);

/** A positive integer given as a string. */
export const envInt = (defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(defaultValue);

/** Comma-separated list → trimmed, non-empty entries. */
export const envList = (defaultValue: string[] = []) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? defaultValue
        : v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0),
    );
