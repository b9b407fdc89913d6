// Run by bench/scenarios/memory-store.ts under Deno, one fresh process per store: unique 50 KB
// answers written to the in-memory store, the process's memory sampled as they go. Prints one JSON
// line. A `.mts` file so the root tsconfig (Node, CommonJS) leaves it to Deno.
import { MemoryStore } from "../../functions/_shared/store/memory-store.ts";

const [mode = "bounded", maxBytesArgument = "67108864", writesArgument = "20000"] = Deno.args;
const maxBytes = Number(maxBytesArgument);
const writes = Number(writesArgument);
const answerBytes = 50 * 1024;
const sampleEvery = 250;

/** `gc` exists when Deno runs with `--v8-flags=--expose-gc`. */
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

// "previous" is the store as it was before the byte bound: 10,000 entries, oldest written first out.
const store =
  mode === "previous"
    ? new MemoryStore(10_000, "llm:cache:")
    : new MemoryStore({ maxBytes, evictablePrefix: "llm:cache:" });

// An answer body as the gateway caches it; each write decodes fresh bytes, so every value is its
// own flat string, as a real upstream answer is (a concatenation would share one filler string).
const head =
  '{"id":"chatcmpl-00000000","object":"chat.completion","choices":[{"message":{"content":"';
const tail = '"}}]}';
const template = new TextEncoder().encode(
  head +
    "lorem ipsum ".repeat(answerBytes / 12).slice(0, answerBytes - head.length - tail.length) +
    tail,
);
const idOffset = head.indexOf("0000");
const decoder = new TextDecoder();

collectGarbage();
const baseline = Deno.memoryUsage();
let peakRss = baseline.rss;
let peakHeapUsed = baseline.heapUsed;
const started = performance.now();
for (let index = 0; index < writes; index++) {
  const id = String(index).padStart(8, "0");
  for (let digit = 0; digit < 8; digit++) template[idOffset + digit] = id.charCodeAt(digit);
  const key = `llm:cache:response:${id.padStart(64, "0")}`;
  await store.set(key, decoder.decode(template), { ttlSeconds: 3600 });
  if (index % sampleEvery === 0) {
    const usage = Deno.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
  }
}
const writeMs = performance.now() - started;
const beforeCollection = Deno.memoryUsage();
peakRss = Math.max(peakRss, beforeCollection.rss);
collectGarbage();
const after = Deno.memoryUsage();
console.log(
  JSON.stringify({
    mode,
    maxBytes: mode === "previous" ? null : maxBytes,
    writes,
    answerBytes: template.length,
    entries: store.size,
    storeBytes: store.bytes,
    baselineRss: baseline.rss,
    peakRss,
    peakHeapUsed,
    finalRss: after.rss,
    finalHeapUsed: after.heapUsed,
    writeMs,
  }),
);
