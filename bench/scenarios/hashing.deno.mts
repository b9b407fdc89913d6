// Run by bench/scenarios/hashing.ts under Deno (the gateway's runtime): the cache key's hashing,
// the current string path against the byte path with WebCrypto, per body size. Prints one JSON line.
// A `.mts` file so the root tsconfig (Node, CommonJS) leaves it to Deno:
// `deno check --config functions/deno.json bench/scenarios/hashing.deno.mts`.
import { canonicalJson } from "../../functions/_shared/canonical-json.ts";
import { sha256Hex } from "../../functions/_shared/sha256.ts";
import { canonicalSha256Hex, digestSha256Hex } from "../../functions/_shared/sha256-digest.ts";

const sizes = [1024, 100 * 1024, 1024 * 1024];
const batches = 15;
/** Wall time aimed at per batch: long enough to dwarf the timer, short enough for 15 of them. */
const batchMs = Number(Deno.args[0] ?? "20");
const scope = "user:0123456789abcdef0123456789abcdef";

/** A chat request whose canonical JSON is about `size` bytes, most of it one user message. */
function requestOfSize(size: number): Record<string, unknown> {
  const shell = { model: "gpt-4o-mini", temperature: 0, messages: [] as unknown[] };
  const overhead = canonicalJson(shell).length + 80;
  const sentence = "The quick brown fox jumps over the lazy dog. ";
  const content = sentence.repeat(Math.ceil(size / sentence.length)).slice(0, size - overhead);
  return {
    ...shell,
    messages: [
      { role: "system", content: "Answer in one sentence." },
      { role: "user", content },
    ],
  };
}

/** Median over batches of the mean time per operation, ms. */
async function timePerOperation(operation: () => unknown): Promise<number> {
  // Warm-up, and the size of a batch of about `batchMs`.
  let iterations = 0;
  const warmupStarted = performance.now();
  while (performance.now() - warmupStarted < batchMs) {
    await operation();
    iterations += 1;
  }
  const perBatch = Math.max(1, iterations);
  const means: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const started = performance.now();
    for (let index = 0; index < perBatch; index++) await operation();
    means.push((performance.now() - started) / perBatch);
  }
  means.sort((left, right) => left - right);
  return means[Math.floor(means.length / 2)] ?? Number.NaN;
}

const results = [];
for (const size of sizes) {
  const material = requestOfSize(size);
  const text = `${scope}\n${canonicalJson(material)}`;
  const oldKey = sha256Hex(text);
  if ((await canonicalSha256Hex(material, `${scope}\n`)) !== oldKey) {
    throw new Error(`canonicalSha256Hex differs from sha256Hex(canonicalJson) at ${size} bytes`);
  }
  results.push({
    bytes: new TextEncoder().encode(text).length,
    cacheKeyOldMs: await timePerOperation(() => sha256Hex(`${scope}\n${canonicalJson(material)}`)),
    cacheKeyNewMs: await timePerOperation(() => canonicalSha256Hex(material, `${scope}\n`)),
    textOldMs: await timePerOperation(() => sha256Hex(text)),
    textNewMs: await timePerOperation(() => digestSha256Hex(text)),
  });
}
console.log(JSON.stringify({ deno: Deno.version.deno, sizes: results }));
