// Drives the official Anthropic TypeScript SDK against the dev server's /v1/messages door.
// Usage: node messages.mjs BASE_URL KEY SCENARIO MODEL
// Prints one JSON line with what the SDK saw; exits non-zero only when the script itself fails.
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, key, scenario, model] = process.argv.slice(2);

const WEATHER = {
  name: 'get_weather',
  description: 'The current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function client(options = {}) {
  // explicit credentials and no retries: the test decides what is sent, once
  return new Anthropic({ baseURL, apiKey: key, maxRetries: 0, timeout: 30_000, ...options });
}

async function streamed(sdk, params) {
  const stream = sdk.messages.stream(params);
  const events = [];
  for await (const event of stream) {
    events.push({ type: event.type, index: event.index, delta: event.delta?.type, block: event.content_block?.type });
  }
  return { events, final: await stream.finalMessage() };
}

async function failure(promise) {
  try {
    await promise;
    return { status: 200 };
  } catch (e) {
    if (!(e instanceof Anthropic.APIError)) throw e;
    return { status: e.status, name: e.constructor.name, type: e.error?.error?.type, message: e.error?.error?.message };
  }
}

// the signature the fake Anthropic API hands out in its thinking stream (stream-thinking.sse)
const SIGNED =
  'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxDYL2LaHU7FvX6I5IiMJaIJGsNZX3AqdvqnBvpQ9vBVHiBtR9eUlSoYPz1nU3TY9bh9tQYc5gu1tOg';

function replay(signature) {
  return {
    model,
    max_tokens: 8000,
    thinking: { type: 'enabled', budget_tokens: 4000 },
    messages: [
      { role: 'user', content: 'What is the term?' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'Section 4.', signature }, { type: 'text', text: 'Two years.' }] },
      { role: 'user', content: 'And the notice period?' },
    ],
  };
}

const ask = { model, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }] };

const scenarios = {
  create: () => client().messages.create(ask),
  bearer: () => new Anthropic({ baseURL, authToken: key, apiKey: null, maxRetries: 0 }).messages.create(ask),
  stream: () => streamed(client(), ask),
  count: () =>
    client().messages.countTokens({ model, system: 'Be brief.', tools: [WEATHER], messages: ask.messages }),
  tools: async () => {
    const sdk = client();
    const question = { role: 'user', content: 'What is the weather in Oslo?' };
    const first = await sdk.messages.create({ ...ask, tools: [WEATHER], tool_choice: { type: 'any' }, messages: [question] });
    const use = first.content.find((b) => b.type === 'tool_use');
    const second = await streamed(sdk, {
      ...ask,
      tools: [WEATHER],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '-3C and snowing' }] },
      ],
    });
    return { first, second };
  },
  cached: () =>
    client().messages.create({
      ...ask,
      system: [{ type: 'text', text: 'A long, stable system prompt.', cache_control: { type: 'ephemeral' } }],
    }),
  streamedTool: () => streamed(client(), { ...ask, tools: [WEATHER] }),
  thinking: async () => {
    // Claude Code's shape of a thinking turn: a beta header, a document, then the answer sent back
    const sdk = client({ defaultHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } });
    const question = {
      role: 'user',
      content: [
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The term is two years.' }, title: 'Contract', citations: { enabled: true } },
        { type: 'text', text: 'What is the term?' },
      ],
    };
    const params = { model, max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 4000 } };
    const first = await streamed(sdk, { ...params, messages: [question] });
    const second = await sdk.messages.create({
      ...params,
      messages: [question, { role: 'assistant', content: first.final.content }, { role: 'user', content: 'And the notice period?' }],
    });
    return { first, second };
  },
  // an earlier answer's thinking, signed as the gateway hands signatures out, by another model
  otherModelsThinking: () =>
    failure(client().messages.create(replay(`sb1.${Buffer.from('anthropic/claude-opus-4-1').toString('base64url')}.${SIGNED}`))),
  // a signature the gateway did not hand out goes on as it is, and Anthropic judges it
  forgedThinking: () => failure(client().messages.create(replay('EqQBforged'))),
  // a PDF for a model that is not Claude: it takes files as OpenAI file parts
  pdf: () =>
    client().messages.create({
      ...ask,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', title: 'Terms', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } },
            { type: 'text', text: 'How long is the term?' },
          ],
        },
      ],
    }),
  serverTool: () =>
    failure(client().messages.create({ ...ask, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 1 }] })),
  // the SDK walks the list page by page with after_id, as it does against Anthropic
  models: async () => {
    const paged = [];
    for await (const m of client().models.list({ limit: 2 })) paged.push(m.id);
    const whole = (await client().models.list({ limit: 1000 })).data.map((m) => m.id);
    return { paged, whole };
  },
  error: () => failure(client().messages.create(ask)),
  streamError: () => failure(streamed(client(), ask)),
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}`);
  process.exit(2);
}
console.log(JSON.stringify(await run()));
