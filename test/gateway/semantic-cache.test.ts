// The semantic cache through the real gateway under Deno, on PGlite + pgvector (the migrations of
// supabase/migrations/), with the provider simulator's similarity-preserving embeddings.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../scripts/local-platform/database";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, postJson, type ChatCompletionBody } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway, type GatewayProcess } from "../support/gateway-process";
import { jsonData, readSseEvents } from "../support/sse";
import { timeouts } from "../support/timeouts";
import { waitUntil } from "../support/wait-until";

let simulator: ProviderSimulator;
let local: LocalDatabase;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator({ recordRequests: false });
  local = await startLocalDatabase();
  gateway = await startGateway({
    env: gatewayEnv(simulator, { DATABASE_URL: local.url, LOG_LEVEL: "debug" }),
  });
}, timeouts.hook);

afterAll(async () => {
  await gateway?.stop();
  await local?.stop();
  await simulator?.close();
}, timeouts.hook);

let counter = 0;

/**
 * A made-up word no other test uses, so entries of one test never answer another's requests (the
 * embeddings hash character trigrams: the words share none, by construction of random letters).
 */
function topic(): string {
  counter += 1;
  const letters = "bcdfghjklmnpqrstvwxz";
  let word = "";
  for (let index = 0; index < 14; index += 1)
    word += letters[Math.floor(Math.random() * letters.length)];
  return `${word}${counter}`;
}

async function ask(
  content: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return postChat(
    gateway.url,
    { model: "tier:default", temperature: 0, messages: [{ role: "user", content }], ...extra },
    { headers },
  );
}

/** Asks and waits until the answer is in the semantic cache (it is stored after the response). */
async function askAndStore(
  content: string,
  sourceKey: string,
  headers: Record<string, string> = {},
): Promise<ChatCompletionBody> {
  const response = await ask(content, { "x-llm-cache-source": sourceKey, ...headers });
  expect(response.status).toBe(200);
  const body = (await response.json()) as ChatCompletionBody;
  // Watched in the log, not in the database: PGlite serves one session, and a query of this
  // process between the gateway's protocol messages would break the gateway's statement.
  const requestId = response.headers.get("x-request-id") ?? "";
  await waitUntil(
    () =>
      gateway.output.some(
        (line) =>
          line.text.includes('"semantic_cache_stored"') &&
          line.text.includes(requestId) &&
          line.text.includes('"stored"'),
      ),
    { description: `semantic cache entry of ${requestId}`, timeoutMs: timeouts.storeCall },
  );
  return body;
}

describe("the semantic cache", () => {
  it("serves a paraphrase within the threshold from the cache, with its distance", async () => {
    const word = topic();
    const first = await askAndStore(`How do I reset my ${word} password quickly?`, word);
    const response = await ask(`how can I reset my ${word} password quickly`);
    const body = (await response.json()) as ChatCompletionBody;

    expect({
      cache: response.headers.get("x-llm-cache"),
      within: Number(response.headers.get("x-llm-cache-distance")) <= 0.12,
      content: body.choices[0]?.message.content,
    }).toEqual({ cache: "semantic", within: true, content: first.choices[0]?.message.content });
  });

  it("misses for the same paraphrase in another caller's scope", async () => {
    const word = topic();
    await askAndStore(`How do I reset my ${word} password quickly?`, word, {
      "x-user-id": "alice",
    });
    const response = await ask(`how can I reset my ${word} password quickly`, {
      "x-user-id": "bob",
    });
    await response.arrayBuffer();

    expect(response.headers.get("x-llm-cache")).toBe("miss");
  });

  it("misses for a question beyond the threshold", async () => {
    const word = topic();
    await askAndStore(`How do I reset my ${word} password quickly?`, word);
    const response = await ask(`Which ${word} plan includes unlimited storage space?`);
    await response.arrayBuffer();

    expect(response.headers.get("x-llm-cache")).toBe("miss");
  });

  it("leaves requests above the temperature threshold out", async () => {
    const word = topic();
    await askAndStore(`How do I reset my ${word} password quickly?`, word);
    const response = await ask(
      `how can I reset my ${word} password quickly`,
      {},
      {
        temperature: 0.9,
      },
    );
    await response.arrayBuffer();

    expect(response.headers.get("x-llm-cache")).toBe("bypass");
  });

  it("serves a streamed paraphrase from the cache as server-sent events", async () => {
    const word = topic();
    const first = await askAndStore(`How do I reset my ${word} password quickly?`, word);
    const response = await ask(`how can I reset my ${word} password quickly`, {}, { stream: true });
    const { events } = await readSseEvents(response);
    const text = (jsonData(events) as { choices: { delta: { content?: string } }[] }[])
      .map((chunk) => chunk.choices[0]?.delta.content ?? "")
      .join("");

    expect([response.headers.get("x-llm-cache"), text, events.at(-1)?.data]).toEqual([
      "semantic",
      first.choices[0]?.message.content,
      "[DONE]",
    ]);
  });

  it("removes an entry invalidated by its source key, so the paraphrase misses", async () => {
    const word = topic();
    await askAndStore(`How do I reset my ${word} password quickly?`, word);
    const invalidation = await postJson(gateway.url, "/v1/cache/invalidate", { source_key: word });
    const result = (await invalidation.json()) as { deleted: number };
    const response = await ask(`how can I reset my ${word} password quickly`);
    await response.arrayBuffer();

    expect([invalidation.status, result.deleted, response.headers.get("x-llm-cache")]).toEqual([
      200,
      1,
      "miss",
    ]);
  });

  it("refuses an invalidation without a source key", async () => {
    const response = await postJson(gateway.url, "/v1/cache/invalidate", {});
    const body = (await response.json()) as { error: { param: string } };

    expect([response.status, body.error.param]).toEqual([400, "source_key"]);
  });
});

describe("the semantic cache's database down", () => {
  let linesBefore = 0;

  beforeAll(async () => {
    linesBefore = gateway.output.length;
    await local.stopServer();
  }, timeouts.hook);

  afterAll(async () => {
    await local.startServer();
  }, timeouts.hook);

  it("answers from the provider and logs the outage once", async () => {
    const statuses: number[] = [];
    for (const question of ["How do I reset", "Where can I export", "Why does my sync stop"]) {
      const response = await ask(`${question} my ${topic()} settings?`);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    await waitUntil(
      () =>
        gateway.output
          .slice(linesBefore)
          .some((line) => line.text.includes('"database_unavailable"')),
      { description: "database_unavailable log line", timeoutMs: timeouts.storeCall },
    );
    const outageLines = gateway.output
      .slice(linesBefore)
      .filter((line) => line.text.includes('"database_unavailable"'));

    expect([statuses, outageLines.length]).toEqual([[200, 200, 200], 1]);
  });
});
