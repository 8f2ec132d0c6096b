import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import type { CommandContext } from '@creditbank/kernel';
import type { BaseContext } from './subgraph-server';

/**
 * A service's SDL lives in `src/schema.graphql` (composed into the supergraph at build time). The
 * compiled service reads it from the same place: `dist/` sits beside `src/`.
 */
export function loadSchemaFile(serviceDir: string): DocumentNode {
  return parse(readFileSync(join(serviceDir, '..', 'src', 'schema.graphql'), 'utf8'));
}

/** The use-case view of a request. */
export function commandOf(base: BaseContext, now = new Date()): CommandContext {
  return {
    caller: base.caller,
    requestId: base.requestId,
    ...(base.traceparent ? { traceparent: base.traceparent } : {}),
    now,
  };
}
