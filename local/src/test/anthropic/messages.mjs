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
  error: () => failure(client().messages.create(ask)),
  streamError: () => failure(streamed(client(), ask)),
};

const run = scenarios[scenario];
if (!run) {
  console.error(`unknown scenario ${scenario}`);
  process.exit(2);
}
console.log(JSON.stringify(await run()));
