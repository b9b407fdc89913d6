// `npm start`'s job worker: the real worker under Deno, woken by the loop, against PGlite and a
// loopback server standing in for the gateway's chat endpoint.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/support/free-port";
import { timeouts } from "../../test/support/timeouts";
import { waitUntil } from "../../test/support/wait-until";
import { startLocalDatabase, type LocalDatabase } from "./database";
import { startJobWorkerLoop, type JobWorkerLoop } from "./job-worker-loop";

let database: LocalDatabase;
let gateway: Server;
let gatewayUrl: string;
let loop: JobWorkerLoop;

beforeAll(async () => {
  database = await startLocalDatabase();
  gateway = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "chatcmpl-local",
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content: "done locally" } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  loop = await startJobWorkerLoop({
    databaseUrl: database.url,
    gatewayUrl,
    port: await freePort(),
    intervalMs: 200,
    environment: { JOB_DATABASE_TIMEOUT_MS: String(timeouts.storeCall) },
    onOutput: () => undefined,
    readyTimeoutMs: timeouts.hook,
  });
}, timeouts.hook);

afterAll(async () => {
  await loop?.stop();
  await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
  await database?.stop();
});

describe("the local job worker loop", () => {
  it("finishes a queued job without anyone waking the worker by hand", async () => {
    const inserted = await database.database.query<{ id: string }>(`
      with job as (
        insert into public.llm_jobs (caller_scope, request_sha256, step_count)
        values ('job:local', 'sha', 1) returning id
      )
      insert into public.llm_job_steps (job_id, step_index, status, request, next_attempt_at)
      select id, 0, 'queued', '{"model":"tier:default","messages":[{"role":"user","content":"hi"}]}', now()
      from job
      returning job_id as id
    `);
    const id = inserted.rows[0]?.id;

    await waitUntil(
      async () => {
        const row = await database.database.query<{ status: string }>(
          "select status from public.llm_jobs where id = $1",
          [id],
        );
        return row.rows[0]?.status === "succeeded";
      },
      { description: "the local job to succeed", timeoutMs: timeouts.test / 2, intervalMs: 100 },
    );
    const result = await database.database.query<{ content: string }>(
      "select result->'choices'->0->'message'->>'content' as content from public.llm_jobs where id = $1",
      [id],
    );
    expect(result.rows[0]?.content).toBe("done locally");
  });
});
