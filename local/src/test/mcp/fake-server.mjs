// A fake upstream MCP server on loopback, built on the official MCP TypeScript SDK's server in its
// stateless Streamable HTTP mode (a new server and transport per request, no session), and at
// /stateful in its session mode (a session id issued on initialize and required after it).
// Usage: node fake-server.mjs TOKEN
// Prints one JSON line {"port": N} once it listens, then serves until its standard input closes.
//   /mcp     answers with an event stream (the SDK's default)
//   /json    answers with a JSON body (enableJsonResponse)
//   /broken  answers every request with HTTP 500
//   /hang    never answers
//   /stateful  a server and transport per session (sessionIdGenerator): a request without a
//              session id that is not initialize is a 400, an unknown session id a 404, a DELETE
//              ends the session; two more tools ask the client something mid-call (elicitation,
//              ping)
//   POST /expire  ends every session of /stateful, as a server that restarted would
//   GET /seen  what reached it so far (a JSON-RPC response as its 'answer'): path, the query's 'as' (which server of the gateway's), HTTP method, JSON-RPC method, tool, arguments,
//              protocol version, session id, the HTTP status answered, whether the request carried
//              the expected token, and any header that is not the transport's own
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ElicitResultSchema, EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const token = process.argv[2];
const seen = [];
const sessions = new Map();

// asks its client something in the middle of a call (on the call's event stream), waiting 5 s at
// most, and answers with how that went
async function askClient(extra, request, schema) {
  try {
    const answer = await extra.sendRequest(request, schema, { timeout: 5000 });
    return `answered ${JSON.stringify(answer)}`;
  } catch (e) {
    return `not answered: ${e.code ?? e.message}`;
  }
}

function build(stateful = false) {
  const server = new McpServer({ name: 'fake-files', version: '1.0.0' });
  if (stateful) {
    // only a session-bound server can take its client's answer to a request of its own
    server.registerTool('ask', { description: 'Asks the client for input' }, async (extra) => ({
      content: [{
        type: 'text',
        text: await askClient(
          extra,
          {
            method: 'elicitation/create',
            params: { message: 'Which file?', requestedSchema: { type: 'object', properties: { path: { type: 'string' } } } },
          },
          ElicitResultSchema,
        ),
      }],
    }));
    server.registerTool('pinger', { description: 'Pings the client' }, async (extra) => ({
      content: [{ type: 'text', text: await askClient(extra, { method: 'ping' }, EmptyResultSchema) }],
    }));
  }
  server.registerTool(
    'read_file',
    { description: 'Reads a file', inputSchema: { path: z.string() } },
    async ({ path }) => ({ content: [{ type: 'text', text: `contents of ${path}` }] }),
  );
  server.registerTool(
    'write_file',
    { description: 'Writes a file', inputSchema: { path: z.string(), text: z.string() } },
    async ({ path, text }) => ({ content: [{ type: 'text', text: `wrote ${text.length} to ${path}` }] }),
  );
  server.registerTool(
    'delete_file',
    { description: 'Deletes a file', inputSchema: { path: z.string() } },
    async ({ path }) => ({ content: [{ type: 'text', text: `deleted ${path}` }] }),
  );
  server.registerTool(
    'count',
    { description: 'Counts to n, reporting each step as progress', inputSchema: { n: z.number() } },
    async ({ n }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let i = 1; i <= n; i++) {
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: i, total: n },
          });
        }
      }
      return { content: [{ type: 'text', text: `counted to ${n}` }] };
    },
  );
  server.registerTool(
    'owner',
    {
      description: "Names a file's owner, as text and as structured content",
      inputSchema: { path: z.string() },
      outputSchema: { owner: z.string() },
    },
    async ({ path }) => ({
      content: [{ type: 'text', text: `${path} belongs to dana@example.com` }],
      structuredContent: { owner: 'dana@example.com' },
    }),
  );
  server.registerTool('explode', { description: 'Always fails' }, async () => {
    throw new Error('the tool exploded');
  });
  server.registerTool(
    'slow',
    { description: 'Answers after ms milliseconds', inputSchema: { ms: z.number() } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { content: [{ type: 'text', text: `slept ${ms}` }] };
    },
  );
  return server;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const TRANSPORT_HEADERS = new Set([
  'host', 'connection', 'content-length', 'content-type', 'accept', 'authorization',
  'mcp-protocol-version', 'mcp-session-id', 'user-agent', 'upgrade', 'http2-settings',
  'accept-encoding',
]);

async function stateful(req, res, body) {
  const id = req.headers['mcp-session-id'];
  let transport = id === undefined ? undefined : sessions.get(id);
  if (transport === undefined) {
    if (id !== undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
      return;
    }
    if (req.method !== 'POST' || body?.method !== 'initialize') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Bad Request: No valid session ID provided' } }));
      return;
    }
    const created = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => sessions.set(sid, created),
    });
    created.onclose = () => sessions.delete(created.sessionId);
    await build(true).connect(created);
    transport = created;
  }
  await transport.handleRequest(req, res, body);
}

const listener = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/seen') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen));
    return;
  }
  if (req.method === 'POST' && path === '/expire') {
    for (const transport of [...sessions.values()]) await transport.close();
    sessions.clear();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  const text = await readBody(req);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const extra = Object.keys(req.headers).filter((h) => !TRANSPORT_HEADERS.has(h));
  const entry = {
    path,
    as: url.searchParams.get('as'),
    http: req.method,
    method: body?.method ?? null,
    tool: body?.params?.name ?? null,
    arguments: body?.params?.arguments ?? null,
    protocolVersion: req.headers['mcp-protocol-version'] ?? null,
    session: req.headers['mcp-session-id'] ?? null,
    answer: body && body.method === undefined && body.id !== undefined
      ? (body.error ? `error ${body.error.code}` : 'result')
      : null,
    authorized: req.headers.authorization === `Bearer ${token}`,
    extraHeaders: Object.fromEntries(extra.map((h) => [h, req.headers[h]])),
    status: null,
  };
  seen.push(entry);
  res.on('finish', () => {
    entry.status = res.statusCode;
  });
  if (req.headers.authorization !== `Bearer ${token}`) {
    res.writeHead(401, { 'content-type': 'text/plain' }).end('no');
    return;
  }
  if (path === '/broken') {
    res.writeHead(500, { 'content-type': 'text/plain' }).end('internal upstream detail 7f3a');
    return;
  }
  if (path === '/hang') {
    return; // never answers; the gateway's timeout ends it
  }
  if (path === '/stateful') {
    await stateful(req, res, body);
    return;
  }
  const server = build();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: path === '/json',
  });
  res.on('close', () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
});

listener.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: listener.address().port }));
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
