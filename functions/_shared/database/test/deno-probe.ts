// Run by database-deno.test.ts under real Deno: connects with the gateway's database modules to the
// URL in DATABASE_URL, stores an answer, looks a paraphrase up, writes a ledger row, and prints
// one JSON line with what happened.
import { similarityEmbedding } from "../../similarity-embedding.ts";
import { createDatabaseClient } from "../database-client.ts";
import { createRequestLedger } from "../request-ledger.ts";
import { createSemanticCacheStore } from "../semantic-cache-store.ts";

const url = Deno.env.get("DATABASE_URL");
if (url === undefined) throw new Error("DATABASE_URL is not set");
const database = createDatabaseClient({
  url,
  timeoutMs: Number(Deno.env.get("TIMEOUT_MS") ?? "30000"),
});
const store = createSemanticCacheStore({ database });
const scope = {
  scope: "deno-probe",
  namespace: "",
  model: "tier:default",
  embeddingModel: "text-embedding-3-small",
};
const stored = await store.store({
  ...scope,
  embedding: similarityEmbedding("How do I reset my password?"),
  response: { answer: "Use the reset link." },
  ttlSeconds: 60,
});
const found = await store.lookup(scope, similarityEmbedding("how can I reset my password"));
const ledger = createRequestLedger({ database, environment: "deno-probe" });
const written = ledger.record({
  endpoint: "chat",
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  cacheLayer: found.status === "hit" ? "semantic" : "none",
  costAvoidedUsd: 0.001,
});
const flushed = await ledger.flush();
await written;
await database.close();
console.log(
  JSON.stringify({ runtime: `deno ${Deno.version.deno}`, stored, found: found.status, flushed }),
);
