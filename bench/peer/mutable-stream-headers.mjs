// Preloaded into the Portkey gateway's Node process by the benchmark (node --import).
//
// Portkey 1.15.2 passes a streamed upstream response through as the Response that Node's fetch
// returned and then appends its own headers to it. Node's fetch gives that Response immutable
// headers, so every streamed request fails there with "TypeError: immutable" (Cloudflare Workers,
// Portkey's other host, allows it). Streamed responses are re-wrapped in a Response whose headers
// can be changed; non-streamed ones are left untouched, so only the stream path pays this.
const upstreamFetch = globalThis.fetch;

globalThis.fetch = async (...args) => {
  const response = await upstreamFetch(...args);
  const type = response.headers.get('content-type') ?? '';
  return type.includes('text/event-stream') ? new Response(response.body, response) : response;
};
