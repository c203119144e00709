// Drives the official OpenAI TypeScript SDK against the dev server's /v1/embeddings.
// Usage: node embeddings.mjs BASE_URL KEY SCENARIO MODEL TEXT...
// Prints one JSON line with what the SDK handed back; exits non-zero only when the script fails.
//   default: encoding_format left to the SDK (it asks for base64 and decodes the floats itself)
//   float | base64: encoding_format given explicitly, the answer passed through as the SDK got it
//   error: an empty input, to see the error the SDK raises
import OpenAI from 'openai';

const [baseURL, key, scenario, model, ...texts] = process.argv.slice(2);

// explicit credentials and no retries: the test decides what is sent, once
const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0, timeout: 30_000 });

function summary(response) {
  return {
    model: response.model,
    usage: response.usage,
    data: response.data.map((d) => ({
      index: d.index,
      kind: typeof d.embedding === 'string' ? 'string' : Array.isArray(d.embedding) ? 'array' : typeof d.embedding,
      embedding: d.embedding,
    })),
  };
}

try {
  let out;
  if (scenario === 'default') {
    out = summary(await client.embeddings.create({ model, input: texts }));
  } else if (scenario === 'float' || scenario === 'base64') {
    out = summary(await client.embeddings.create({ model, input: texts, encoding_format: scenario }));
  } else if (scenario === 'error') {
    try {
      await client.embeddings.create({ model, input: [] });
      out = { error: 'none' };
    } catch (e) {
      out = { status: e.status, type: e.type, param: e.param, message: e.message };
    }
  } else {
    throw new Error('unknown scenario ' + scenario);
  }
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ failed: String(e), status: e.status }));
}
