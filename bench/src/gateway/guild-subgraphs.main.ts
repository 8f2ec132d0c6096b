import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { GUILD_SUBGRAPHS } from './guild-fixtures';

/**
 * The four Guild subgraphs in one process, each on its own port, as lean as a Node subgraph can be
 * (raw node:http, parsed documents cached, and, because the data never changes, responses memoised
 * by request body) so that the gateway under test, not the subgraphs, is what the load measures; the
 * Guild uses Rust subgraphs for the same reason. Prints `READY {"accounts":"http://…",…}`.
 */
function handler(schema: GraphQLSchema) {
  const documents = new Map<string, DocumentNode>();
  const memo = new Map<string, string>();
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body: string) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      const hit = memo.get(raw);
      if (hit !== undefined) return send(200, hit);
      void (async () => {
        try {
          const { query, variables, operationName } = JSON.parse(raw) as {
            query: string;
            variables?: Record<string, unknown>;
            operationName?: string;
          };
          let document = documents.get(query);
          if (!document) {
            document = parse(query);
            const errors = validate(schema, document);
            if (errors.length) return send(200, JSON.stringify({ errors }));
            documents.set(query, document);
          }
          const result = await execute({ schema, document, variableValues: variables ?? null, operationName: operationName ?? null });
          const body = JSON.stringify(result);
          if (!result.errors && memo.size < 10_000) memo.set(raw, body);
          send(200, body);
        } catch (error) {
          send(400, JSON.stringify({ errors: [{ message: String(error) }] }));
        }
      })();
    });
  };
}

async function run(): Promise<void> {
  const urls: Record<string, string> = {};
  for (const s of GUILD_SUBGRAPHS) {
    const schema = buildSubgraphSchema({ typeDefs: s.typeDefs, resolvers: s.resolvers as never });
    const server = createServer({ keepAliveTimeout: 65_000 }, handler(schema));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls[s.name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }
  process.stdout.write(`READY ${JSON.stringify(urls)}\n`);
}

void run();
