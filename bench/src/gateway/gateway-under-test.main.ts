import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { runGateway, type GatewayTuning } from '@creditbank/gateway';

/**
 * One gateway under test, as its own process (NODE_ENV=production, set by the benchmark):
 *   BENCH_GATEWAY=stock  @apollo/gateway + @apollo/server startStandaloneServer, defaults (Guild's apollo-gateway)
 *   BENCH_GATEWAY=ours   our gateway (gateway/src), JWT verified, our limits; GATEWAY_WORKERS as in production
 *   BENCH_GATEWAY=hive   Hive Gateway's runtime (@graphql-hive/gateway-runtime) on node:http
 * BENCH_FORKS (stock, hive) forks that many node:cluster workers, as the Guild's harness and Hive's CLI do.
 * SUPERGRAPH_FILE and PORT are given; readiness is polled by the benchmark.
 */
const kind = process.env['BENCH_GATEWAY'];
const port = Number(process.env['PORT']);
const supergraphSdl = readFileSync(process.env['SUPERGRAPH_FILE']!, 'utf8');
const forks = Number(process.env['BENCH_FORKS'] ?? '1');

async function stock(): Promise<void> {
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
}

async function hive(): Promise<void> {
  const runtime = createGatewayRuntime({ supergraph: () => supergraphSdl, logging: false });
  await new Promise<void>((resolve) => createServer(runtime).listen(port, '127.0.0.1', resolve));
}

function forked(start: () => Promise<void>): void {
  if (forks > 1 && cluster.isPrimary) {
    for (let i = 0; i < forks; i += 1) cluster.fork();
    return;
  }
  start().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}

if (kind === 'stock') forked(stock);
else if (kind === 'hive') forked(hive);
else if (kind === 'ours') {
  const tuning = JSON.parse(process.env['BENCH_TUNING'] ?? '{}') as Partial<GatewayTuning>;
  runGateway(process.env, { subgraphUrlsFromSupergraph: true, tuning });
} else {
  process.stderr.write(`unknown BENCH_GATEWAY ${kind ?? ''}\n`);
  process.exit(2);
}
