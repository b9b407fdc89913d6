import { describe, expect, it } from "vitest";
import {
  AttemptAbortedError,
  isAllCandidatesFailedError,
  isBudgetExceededError,
  isDeadlineExceededError,
  isProvidersUnavailableError,
  isUpstreamClientError,
  UpstreamHttpError,
  UpstreamProtocolError,
} from "../errors.ts";
import { executeCandidates } from "./execute-candidates.ts";
import type { AttemptContext } from "../providers/provider.ts";
import { buildRoutingTable, resolveRoute, type Candidate } from "./routing.ts";
import { executorHarness, requestScope } from "../test/executor-harness.ts";
import { RecordingTracer } from "../test/recording-tracer.ts";

const table = buildRoutingTable({
  default: {
    candidates: [
      { provider: "anthropic", model: "claude-a" },
      { provider: "openai", model: "gpt-a" },
    ],
  },
  smart: { expensive: true, candidates: [{ provider: "openai", model: "gpt-free" }] },
});
const route = resolveRoute(table, "tier:default");
const free = (): number => 0;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** Each provider answers from a script of outcomes; calls are recorded. */
function scripted(outcomes: Record<string, (() => Promise<string>)[]>) {
  const calls: string[] = [];
  const attempt = (candidate: Candidate, _context: AttemptContext): Promise<string> => {
    calls.push(candidate.provider);
    const next = outcomes[candidate.provider]?.shift();
    return next ? next() : Promise.resolve(`${candidate.provider} ok`);
  };
  return { calls, attempt };
}

const failWith = (status: number, retryAfterMs?: number) => () =>
  Promise.reject(new UpstreamHttpError("x", status, `HTTP ${status}`, retryAfterMs));

describe("executeCandidates", () => {
  it("answers from the first candidate when it succeeds", async () => {
    const { calls, attempt } = scripted({});
    const result = await executeCandidates(executorHarness(), route, requestScope(), free, attempt);
    expect(result.value).toBe("anthropic ok");
    expect(calls).toEqual(["anthropic"]);
  });

  it("retries a retryable status on the same provider", async () => {
    const { calls, attempt } = scripted({ anthropic: [failWith(503)] });
    const result = await executeCandidates(executorHarness(), route, requestScope(), free, attempt);
    expect(calls).toEqual(["anthropic", "anthropic"]);
    expect(result.attempts).toBe(2);
  });

  it("falls back to the next candidate when retries are exhausted", async () => {
    const { calls, attempt } = scripted({
      anthropic: [failWith(500), failWith(500), failWith(500)],
    });
    const result = await executeCandidates(executorHarness(), route, requestScope(), free, attempt);
    expect(calls).toEqual(["anthropic", "anthropic", "anthropic", "openai"]);
    expect(result.candidate.provider).toBe("openai");
  });

  it("does not retry a non-retryable status but falls back", async () => {
    const { calls, attempt } = scripted({ anthropic: [failWith(401)] });
    await executeCandidates(executorHarness(), route, requestScope(), free, attempt);
    expect(calls).toEqual(["anthropic", "openai"]);
  });

  it.each([400, 413, 422])(
    "gives a provider's %i back to the client without trying another candidate",
    async (status) => {
      const { calls, attempt } = scripted({ anthropic: [failWith(status)] });
      const error = await rejection(
        executeCandidates(executorHarness(), route, requestScope(), free, attempt),
      );
      expect(calls).toEqual(["anthropic"]);
      expect(isUpstreamClientError(error) && error.status).toBe(status);
    },
  );

  it("does not count a provider's 400 against its breaker", async () => {
    const dependencies = executorHarness({ threshold: 1 });
    const { attempt } = scripted({ anthropic: [failWith(400)] });
    await rejection(executeCandidates(dependencies, route, requestScope(), free, attempt));
    expect(await dependencies.breaker.state("anthropic")).toBe("closed");
  });

  it("falls back on a 404 for a tier's model (the tier is misconfigured)", async () => {
    const { calls, attempt } = scripted({ anthropic: [failWith(404)] });
    await executeCandidates(executorHarness(), route, requestScope(), free, attempt);
    expect(calls).toEqual(["anthropic", "openai"]);
  });

  it("gives a 404 for a concrete model back to the client", async () => {
    const { calls, attempt } = scripted({ anthropic: [failWith(404)] });
    const error = await rejection(
      executeCandidates(
        executorHarness(),
        resolveRoute(table, "claude-a"),
        requestScope(),
        free,
        attempt,
      ),
    );
    expect(calls).toEqual(["anthropic"]);
    expect(isUpstreamClientError(error) && error.code).toBe("model_not_found");
  });

  it("logs a provider's 401 as an error naming the provider", async () => {
    const dependencies = executorHarness();
    const { attempt } = scripted({ anthropic: [failWith(401)] });
    await executeCandidates(dependencies, route, requestScope(), free, attempt);
    const line = dependencies.logLines.find((text) => text.includes("provider_auth_failed"));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: "error", provider: "anthropic" });
  });

  it("scrubs the prompt out of a provider's message in the client's error", async () => {
    const attempt = (): Promise<string> =>
      Promise.reject(
        new UpstreamHttpError("x", 400, "HTTP 400: bad text 'my diary entry of today'"),
      );
    const error = await rejection(
      executeCandidates(
        executorHarness(),
        route,
        requestScope(),
        free,
        attempt,
        undefined,
        (text) => text.replace("my diary entry of today", "[prompt]"),
      ),
    );
    expect((error as Error).message).not.toContain("diary");
  });

  it("does not retry malformed answers but falls back", async () => {
    const { calls, attempt } = scripted({
      anthropic: [() => Promise.reject(new UpstreamProtocolError("anthropic", "bad json"))],
    });
    await executeCandidates(executorHarness(), route, requestScope(), free, attempt);
    expect(calls).toEqual(["anthropic", "openai"]);
  });

  it("waits the Retry-After before retrying", async () => {
    const { attempt } = scripted({ anthropic: [failWith(429, 150)] });
    const started = Date.now();
    await executeCandidates(
      executorHarness({ retryBaseMs: 0 }),
      route,
      requestScope(),
      free,
      attempt,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("falls back at once when Retry-After runs past the deadline", async () => {
    const { calls, attempt } = scripted({ anthropic: [failWith(429, 5000)] });
    await executeCandidates(executorHarness(), route, requestScope(1000), free, attempt);
    expect(calls).toEqual(["anthropic", "openai"]);
  });

  it("turns a hanging attempt into a timeout and falls back", async () => {
    const { calls, attempt } = scripted({
      anthropic: [() => new Promise<string>(() => undefined)],
    });
    const hanging = (candidate: Candidate, context: AttemptContext) =>
      candidate.provider === "anthropic"
        ? new Promise<string>((_resolve, reject) =>
            context.signal.addEventListener("abort", () =>
              reject(new AttemptAbortedError("anthropic", "aborted")),
            ),
          )
        : attempt(candidate, context);
    const dependencies = executorHarness({ attemptTimeoutMs: 50 });
    const result = await executeCandidates(dependencies, route, requestScope(), free, hanging);
    expect(result.candidate.provider).toBe("openai");
    expect(calls).toEqual(["openai"]);
    expect(dependencies.metrics.attempts.get({ provider: "anthropic", outcome: "timeout" })).toBe(
      1,
    );
  });

  it("lists every candidate and reason in a 502 when all fail", async () => {
    const { attempt } = scripted({ anthropic: [failWith(403)], openai: [failWith(401)] });
    const error = await rejection(
      executeCandidates(executorHarness(), route, requestScope(), free, attempt),
    );
    expect(isAllCandidatesFailedError(error)).toBe(true);
    expect((error as Error).message).toContain("anthropic/claude-a: HTTP 403");
    expect((error as Error).message).toContain("openai/gpt-a: HTTP 401");
  });

  it("skips a provider whose breaker is open without calling it", async () => {
    const dependencies = executorHarness({ threshold: 1 });
    const { calls, attempt } = scripted({ anthropic: [failWith(500)] });
    await executeCandidates(dependencies, route, requestScope(), free, attempt);
    calls.length = 0;
    const result = await executeCandidates(dependencies, route, requestScope(), free, attempt);
    expect(calls).toEqual(["openai"]);
    expect(result.attempts).toBe(1);
  });

  it("answers 503 when every candidate's breaker is open", async () => {
    const dependencies = executorHarness({ threshold: 1, maxRetries: 0 });
    const { attempt } = scripted({ anthropic: [failWith(500)], openai: [failWith(500)] });
    await rejection(executeCandidates(dependencies, route, requestScope(), free, attempt));
    const error = await rejection(
      executeCandidates(dependencies, route, requestScope(), free, attempt),
    );
    expect(isProvidersUnavailableError(error)).toBe(true);
  });

  it("answers 504 when the deadline passes", async () => {
    const slow = (_candidate: Candidate, context: AttemptContext) =>
      new Promise<string>((_resolve, reject) =>
        context.signal.addEventListener("abort", () =>
          reject(new AttemptAbortedError("x", "aborted")),
        ),
      );
    const error = await rejection(
      executeCandidates(
        executorHarness({ attemptTimeoutMs: 5000 }),
        route,
        requestScope(60),
        free,
        slow,
      ),
    );
    expect(isDeadlineExceededError(error)).toBe(true);
  });

  it("never retries when the client aborted", async () => {
    const scope = requestScope();
    let calls = 0;
    const abortingAttempt = () => {
      calls += 1;
      scope.client.abort();
      return Promise.reject(new UpstreamHttpError("anthropic", 503, "HTTP 503"));
    };
    await rejection(executeCandidates(executorHarness(), route, scope, free, abortingAttempt));
    expect(calls).toBe(1);
  });

  describe("with a daily cap", () => {
    it("skips a candidate whose estimate does not fit and uses a cheaper one", async () => {
      const { calls, attempt } = scripted({});
      const estimate = (candidate: Candidate) => (candidate.provider === "anthropic" ? 2 : 0.5);
      const result = await executeCandidates(
        executorHarness({ capUsd: 1 }),
        route,
        requestScope(),
        estimate,
        attempt,
      );
      expect(result.candidate.provider).toBe("openai");
      expect(calls).toEqual(["openai"]);
    });

    it("answers 429 budget_exceeded when no candidate fits", async () => {
      const { calls, attempt } = scripted({});
      const error = await rejection(
        executeCandidates(executorHarness({ capUsd: 1 }), route, requestScope(), () => 2, attempt),
      );
      expect(isBudgetExceededError(error)).toBe(true);
      expect(calls).toEqual([]);
    });

    it("releases the reservation of a failed candidate", async () => {
      const dependencies = executorHarness({ capUsd: 1 });
      const { attempt } = scripted({ anthropic: [failWith(401)] });
      const result = await executeCandidates(
        dependencies,
        route,
        requestScope(),
        () => 0.6,
        attempt,
      );
      expect(result.candidate.provider).toBe("openai");
      expect(await dependencies.budget.spentToday()).toBeCloseTo(0.6, 10);
    });

    it("skips a free candidate of an expensive tier once the cap is reached", async () => {
      const dependencies = executorHarness({ capUsd: 1 });
      await dependencies.budget.reserve(1, false);
      const { attempt } = scripted({});
      const error = await rejection(
        executeCandidates(
          dependencies,
          resolveRoute(table, "tier:smart"),
          requestScope(),
          free,
          attempt,
        ),
      );
      expect(isBudgetExceededError(error)).toBe(true);
    });
  });
});

describe("attempt spans", () => {
  const spanOf = async (operation?: "chat" | "embeddings") => {
    const tracer = await RecordingTracer.create();
    const { attempt } = scripted({});
    await executeCandidates(
      executorHarness({ tracer, ...(operation ? { operation } : {}) }),
      route,
      requestScope(),
      free,
      attempt,
    );
    const span = tracer.spans[0];
    return [span?.name, span?.attributes["gen_ai.operation.name"]];
  };

  it("are chat operations by default", async () => {
    expect(await spanOf()).toEqual(["chat claude-a", "chat"]);
  });

  it("are named after the embeddings operation for embedding calls", async () => {
    expect(await spanOf("embeddings")).toEqual(["embeddings claude-a", "embeddings"]);
  });
});
