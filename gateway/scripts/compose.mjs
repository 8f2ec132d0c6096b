#!/usr/bin/env node
// Compose the supergraph from the six subgraph SDL files (build time; no runtime introspection).
// Usage: node gateway/scripts/compose.mjs          write gateway/supergraph.graphql
//        node gateway/scripts/compose.mjs --check  fail if the committed file is stale
// Composition errors and hints are printed; errors fail with exit code 1.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'gateway', 'package.json'));
const { composeServices } = require('@apollo/composition');
const { parse } = require('graphql');

export const SUBGRAPHS = ['account', 'outcome', 'standards', 'conversion', 'intake-network', 'analytics'];
const out = join(root, 'gateway', 'supergraph.graphql');

export function compose() {
  const services = SUBGRAPHS.map((name) => {
    const file = join(root, 'services', name, 'src', 'schema.graphql');
    // The URL is a placeholder: the gateway maps each subgraph to its address from the environment.
    return { name, url: `http://${name}.subgraph.invalid/graphql`, typeDefs: parse(readFileSync(file, 'utf8')) };
  });
  const result = composeServices(services);
  if (result.errors && result.errors.length > 0) {
    const lines = result.errors.map((e) => `  - ${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
    throw new Error(`Supergraph composition failed:\n${lines.join('\n')}`);
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints ?? [] };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { supergraphSdl, hints } = compose();
    if (process.argv.includes('--verbose')) for (const h of hints) console.log(`hint: ${h.message}`);
    if (process.argv.includes('--check')) {
      const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
      if (current !== supergraphSdl) {
        console.error('gateway/supergraph.graphql is stale: run `npm run compose` and commit it.');
        process.exit(1);
      }
      console.log('supergraph is up to date');
    } else if (existsSync(out) && readFileSync(out, 'utf8') === supergraphSdl) {
      // Unchanged: leave the file alone (a running gateway or test may be reading it).
      console.log(`composed ${SUBGRAPHS.length} subgraphs → gateway/supergraph.graphql (unchanged)`);
    } else {
      writeFileSync(out, supergraphSdl);
      console.log(`composed ${SUBGRAPHS.length} subgraphs → gateway/supergraph.graphql`);
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
