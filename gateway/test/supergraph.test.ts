import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The committed supergraph is what the gateway serves (and what k8s ships as a ConfigMap): it must be
// exactly the composition of the subgraph SDL files in this commit.
it('gateway/supergraph.graphql is the composition of the current subgraph schemas', () => {
  // Exits non-zero (and the test fails) on a composition error or a stale file.
  const out = execFileSync(process.execPath, [join(__dirname, '../scripts/compose.mjs'), '--check'], { encoding: 'utf8' });
  expect(out).toContain('up to date');
});

it('every CONTRACT entity key is declared by its owning subgraph', () => {
  const sdl = readFileSync(join(__dirname, '../supergraph.graphql'), 'utf8');
  for (const [type, graph, key] of [
    ['Learner', 'ACCOUNT', 'accountNo'],
    ['Institution', 'ACCOUNT', 'code'],
    ['ServiceNode', 'INTAKE_NETWORK', 'id'],
    ['CatalogItem', 'STANDARDS', 'code'],
    ['LearningOutcome', 'OUTCOME', 'id'],
    ['ConversionRule', 'CONVERSION', 'id'],
  ]) {
    expect(sdl).toMatch(new RegExp(`type ${type}\\n(\\s+@join__type\\([^)]*\\)\\n)*\\s+@join__type\\(graph: ${graph}, key: "${key}"\\)`));
  }
});
