// Drives the official MCP TypeScript SDK's client against the dev server's /mcp/{server}.
// Usage: node client.mjs SCENARIO KEY URL [URL...]
// Prints one JSON line with what the SDK handed back; exits non-zero only when the script fails.
//   session:   initialize, tools/list, an allowed tools/call, a denied one, a failing tool, ping
//   alternate: the same client's requests sent to the URLs in turn (one dev server each)
//   calls N:   N calls of read_file, each outcome (to reach a rate limit)
//   errors:    tools/list and a tools/call, each outcome (against an upstream that fails)
//   aggregate: /mcp's merged tools/list, then calls of a prefixed tool, a denied one, unknown ones
//   progress:  a call of the counting tool with a progress callback: each progress seen, the result
//   elicit:    a call of the tool that asks, the client answering the elicitation it relays
//   ask:       calls of tools that ask the client something mid-call (elicitation, ping)
//   guarded:   calls whose arguments or result a guardrail blocks, redacts or flags, each outcome
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const [scenario, key, ...rest] = process.argv.slice(2);

function outcome(promise) {
  return promise.then(
    (result) => ({ ok: true, result }),
    (e) => ({ ok: false, code: e.code ?? null, message: String(e.message), name: e.constructor.name }),
  );
}

async function connect(urls, fetchLog, options = undefined, setup = () => {}) {
  let turn = 0;
  // every HTTP request of the client, each to the next URL: stateless serving on any instance
  const alternating = (input, init) => {
    const base = urls[turn++ % urls.length];
    fetchLog.push(base);
    // which instance got a tools/call, and which the client's answer to a request of the server's
    let message;
    try {
      message = JSON.parse(init?.body ?? 'null');
    } catch {
      message = null;
    }
    if (message?.method === 'tools/call') fetchLog.calledAt.push(base);
    if (message && message.method === undefined && message.id !== undefined) fetchLog.answeredAt.push(base);
    return fetch(base, init);
  };
  const transport = new StreamableHTTPClientTransport(new URL(urls[0]), {
    fetch: alternating,
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
  });
  const client = new Client({ name: 'switchboard-test', version: '1.0.0' }, options);
  setup(client);
  await client.connect(transport);
  return { client, transport };
}

try {
  let out;
  const fetchLog = [];
  fetchLog.calledAt = [];
  fetchLog.answeredAt = [];
  if (scenario === 'session' || scenario === 'alternate') {
    const { client, transport } = await connect(rest, fetchLog);
    out = {
      server: client.getServerVersion(),
      protocolVersion: transport.protocolVersion ?? null,
      sessionId: transport.sessionId ?? null,
      capabilities: client.getServerCapabilities(),
      tools: (await client.listTools()).tools.map((t) => t.name).sort(),
      allowed: await outcome(client.callTool({ name: 'read_file', arguments: { path: 'a.txt' } })),
      denied: await outcome(client.callTool({ name: 'delete_file', arguments: { path: 'a.txt' } })),
      failing: await outcome(client.callTool({ name: 'explode', arguments: {} })),
      ping: await outcome(client.ping()),
      again: await outcome(client.callTool({ name: 'read_file', arguments: { path: 'b.txt' } })),
    };
    await client.close();
  } else if (scenario === 'calls') {
    const [count, ...urls] = rest;
    const { client } = await connect(urls, fetchLog);
    out = { calls: [] };
    for (let i = 0; i < Number(count); i++) {
      out.calls.push(await outcome(client.callTool({ name: 'read_file', arguments: { path: `${i}` } })));
    }
    await client.close();
  } else if (scenario === 'errors') {
    const { client } = await connect(rest, fetchLog);
    out = {
      list: await outcome(client.listTools()),
      call: await outcome(client.callTool({ name: 'read_file', arguments: { path: 'a.txt' } })),
    };
    await client.close();
  } else if (scenario === 'aggregate') {
    const { client } = await connect(rest, fetchLog);
    out = {
      server: client.getServerVersion(),
      tools: (await client.listTools()).tools.map((t) => t.name).sort(),
      allowed: await outcome(client.callTool({ name: 'filesjson.read_file', arguments: { path: 'c.txt' } })),
      denied: await outcome(client.callTool({ name: 'files.delete_file', arguments: { path: 'c.txt' } })),
      unknownServer: await outcome(client.callTool({ name: 'nowhere.read_file', arguments: {} })),
      unprefixed: await outcome(client.callTool({ name: 'read_file', arguments: {} })),
    };
    await client.close();
  } else if (scenario === 'progress') {
    const { client } = await connect(rest, fetchLog);
    const progress = [];
    const result = await outcome(
      client.callTool({ name: 'count', arguments: { n: 3 } }, undefined, {
        onprogress: (p) => progress.push(p),
      }),
    );
    out = { progress, result };
    await client.close();
  } else if (scenario === 'elicit') {
    const asked = [];
    const { client } = await connect(rest, fetchLog, { capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler(ElicitRequestSchema, async (request) => {
        asked.push({ message: request.params.message, id: typeof request.id });
        return { action: 'accept', content: { path: 'chosen.txt' } };
      }),
    );
    out = {
      ask: await outcome(client.callTool({ name: 'ask', arguments: {} })),
      asked,
      calledAt: fetchLog.calledAt,
      answeredAt: fetchLog.answeredAt,
    };
    await client.close();
  } else if (scenario === 'ask') {
    const { client } = await connect(rest, fetchLog);
    const started = Date.now();
    out = {
      ask: await outcome(client.callTool({ name: 'ask', arguments: {} })),
      pinger: await outcome(client.callTool({ name: 'pinger', arguments: {} })),
      ms: Date.now() - started,
    };
    await client.close();
  } else if (scenario === 'guarded') {
    const { client } = await connect(rest, fetchLog);
    await client.listTools(); // the SDK checks structured content against the listed schema
    out = {
      blocked: await outcome(
        client.callTool({ name: 'write_file', arguments: { path: 'k.txt', text: 'AKIAIOSFODNN7EXAMPLE' } }),
      ),
      redacted: await outcome(
        client.callTool({ name: 'write_file', arguments: { path: 'to alice@example.com', text: 'hi' } }),
      ),
      owner: await outcome(client.callTool({ name: 'owner', arguments: { path: 'plan.txt' } })),
      flagged: await outcome(client.callTool({ name: 'read_file', arguments: { path: 'TCK-12345' } })),
    };
    await client.close();
  } else {
    throw new Error('unknown scenario ' + scenario);
  }
  out.requests = fetchLog;
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ failed: String(e), code: e.code ?? null }));
}
