import { startGateway } from "../../test/support/gateway-process";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import { portkeyHeaders, startPortkey } from "../lib/portkey";
import type { LatencySummary } from "../lib/stats";
import { summarize } from "../lib/stats";
import { StreamingClient } from "./streaming-client";
import { findProcess, processCpuMs } from "./streaming-cpu";
import { startStreamingUpstream, streamedToken, streamingPrompt } from "./streaming-upstream";

/** The ways to reach the streaming upstream. */
export type StreamingTarget = "direct" | "gateway" | "portkey";

/** One target's streams of one size. */
export interface StreamingRun {
  /** Streams read to `[DONE]` with every chunk. */
  streams: number;
  /** Streams that failed or came back incomplete. */
  errors: number;
  /** The first failure, for the report. */
  firstError?: string;
  /**
   * Time to the first byte of the answer, ms: of its first content chunk (the role chunk that may
   * come before it carries nothing, and a gateway cannot commit to a provider before content).
   */
  ttfb: LatencySummary;
  /** Time to the very first body byte, ms (for a direct call, often the role chunk). */
  firstByte: LatencySummary;
  /** Time to the end of the body, ms. */
  total: LatencySummary;
  /**
   * CPU time (user + system) of the proxy process per streamed chunk, µs, from /proc over the
   * measured streams (`null` for `direct`, which has no process in between).
   */
  cpuPerChunkMicros: number | null;
}

/** The three targets for streams of one length. */
export interface StreamingSize {
  /** Content chunks per stream (the upstream adds a role, a finish and a usage chunk). */
  chunks: number;
  /** Figures per target. */
  targets: Record<StreamingTarget, StreamingRun>;
}

/** What {@link measureStreaming} reports. */
export interface StreamingResult {
  /** Streams of 10, 100 and 1,000 content chunks. */
  sizes: StreamingSize[];
  /**
   * The 1,000-chunk stream through the gateway with a cacheable request (temperature 0, a new
   * prompt each time): the answer is assembled at the end and stored.
   */
  gatewayCacheable: StreamingRun;
}

const apiKey = "sk-bench-0123456789";

/** Chunks per stream, and how many streams of each length a full run measures per target. */
const plan: readonly { chunks: number; streams: number }[] = [
  { chunks: 10, streams: 200 },
  { chunks: 100, streams: 100 },
  { chunks: 1000, streams: 40 },
];

interface Endpoint {
  url: string;
  headers: Record<string, string>;
  /** The process whose CPU is counted, when there is one. */
  pid: number | undefined;
}

interface Sample {
  ttfbs: number[];
  firstBytes: number[];
  totals: number[];
  errors: number;
  firstError?: string;
}

function requestBody(chunks: number, index: number, temperature: number): string {
  return JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: streamingPrompt(chunks, index) }],
    temperature,
    stream: true,
  });
}

const firstContentMarker = `"content":${JSON.stringify(streamedToken)}`;

/** Whether a body is a whole stream: every content chunk, then `[DONE]`. */
function complete(body: string, chunks: number): boolean {
  return body.endsWith("data: [DONE]\n\n") && body.split(firstContentMarker).length - 1 === chunks;
}

function run(sample: Sample, streams: number, cpuMs: number | undefined, chunks: number) {
  return {
    streams: sample.totals.length,
    errors: sample.errors,
    ...(sample.firstError === undefined ? {} : { firstError: sample.firstError }),
    ttfb: summarize(sample.ttfbs),
    firstByte: summarize(sample.firstBytes),
    total: summarize(sample.totals),
    // Every chunk object the upstream sent: the content chunks plus role, finish and usage.
    cpuPerChunkMicros: cpuMs === undefined ? null : (cpuMs * 1000) / (streams * (chunks + 3)),
  };
}

/**
 * Streams of `chunks` content chunks, one at a time, through every endpoint in turn (request i goes
 * to each target before request i + 1, so load on the machine hits all targets alike); each proxy's
 * CPU is read from /proc before and after the measured streams.
 */
async function measurePhase(
  context: BenchContext,
  client: StreamingClient,
  endpoints: Record<string, Endpoint>,
  chunks: number,
  streams: number,
  temperature: number,
): Promise<Record<string, StreamingRun>> {
  const names = Object.keys(endpoints);
  const samples = Object.fromEntries(
    names.map((name) => [name, { ttfbs: [], firstBytes: [], totals: [], errors: 0 } as Sample]),
  );
  let index = 0;
  const once = async (name: string, sample: Sample | undefined): Promise<void> => {
    const endpoint = endpoints[name] as Endpoint;
    index += 1;
    try {
      const timing = await client.post(
        endpoint.url,
        requestBody(chunks, index, temperature),
        endpoint.headers,
        firstContentMarker,
      );
      if (!sample) return;
      if (timing.status === 200 && complete(timing.body, chunks)) {
        sample.ttfbs.push(timing.ttftMs);
        sample.firstBytes.push(timing.ttfbMs);
        sample.totals.push(timing.totalMs);
      } else {
        sample.errors += 1;
        sample.firstError ??= `status ${timing.status}: ${timing.body.slice(-200)}`;
      }
    } catch (error) {
      if (!sample) return;
      sample.errors += 1;
      sample.firstError ??= error instanceof Error ? error.message : String(error);
    }
  };
  const warmup = Math.max(5, Math.round(streams / 10));
  for (let round = 0; round < warmup; round += 1)
    for (const name of names) await once(name, undefined);
  const cpuBefore = names.map((name) => {
    const pid = endpoints[name]?.pid;
    return pid === undefined ? undefined : processCpuMs(pid);
  });
  const label = `${chunks}-chunk streams, ${names.join(" / ")}`;
  for (let round = 0; round < streams; round += 1) {
    for (const name of names) await once(name, samples[name]);
    context.progress.counter(label, round + 1, streams);
  }
  context.progress.endCounter();
  return Object.fromEntries(
    names.map((name, position) => {
      const pid = endpoints[name]?.pid;
      const before = cpuBefore[position];
      const cpuMs =
        pid === undefined || before === undefined ? undefined : processCpuMs(pid) - before;
      return [name, run(samples[name] as Sample, streams, cpuMs, chunks)];
    }),
  );
}

/**
 * Streaming through the gateway against a direct call and Portkey: an OpenAI-compatible loopback
 * upstream streams 10, 100 or 1,000 content chunks (each its own write, spread over the upstream's
 * event loop turns); the same client reads every stream to `[DONE]`, timing the first byte and the
 * end, and each proxy's CPU per chunk comes from the kernel's accounting of its process. The
 * gateway's requests use temperature 0.7, so its cache is bypassed by rule (as in the overhead
 * scenario); one more run prices a cacheable 1,000-chunk stream, whose answer is stored.
 */
export async function measureStreaming(context: BenchContext): Promise<StreamingResult> {
  const cleanups: (() => Promise<void>)[] = [];
  const client = new StreamingClient();
  try {
    const upstream = await startStreamingUpstream();
    cleanups.push(() => upstream.close());
    const gateway = await startGateway({
      captureOutput: false,
      env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: upstream.baseUrl },
    });
    cleanups.push(() => gateway.stop());
    const portkey = await startPortkey();
    cleanups.push(() => portkey.stop());
    const endpoints: Record<StreamingTarget, Endpoint> = {
      direct: {
        url: `${upstream.baseUrl}/chat/completions`,
        headers: { authorization: `Bearer ${apiKey}` },
        pid: undefined,
      },
      gateway: { url: `${gateway.url}/v1/chat/completions`, headers: {}, pid: gateway.pid },
      portkey: {
        url: `${portkey.url}/v1/chat/completions`,
        headers: portkeyHeaders(upstream.baseUrl, apiKey),
        pid: findProcess(["start-server.js", `--port=${new URL(portkey.url).port}`]),
      },
    };
    const sizes: StreamingSize[] = [];
    for (const { chunks, streams } of plan) {
      const count = scaled(context, streams, 20);
      const targets = (await measurePhase(
        context,
        client,
        endpoints,
        chunks,
        count,
        0.7,
      )) as Record<StreamingTarget, StreamingRun>;
      const micros = (target: StreamingTarget): string =>
        targets[target].cpuPerChunkMicros?.toFixed(1) ?? "-";
      context.progress.note(
        `${chunks} chunks: p50 total direct ${targets.direct.total.p50.toFixed(2)} ms, gateway ${targets.gateway.total.p50.toFixed(2)} ms, Portkey ${targets.portkey.total.p50.toFixed(2)} ms; CPU per chunk gateway ${micros("gateway")} µs, Portkey ${micros("portkey")} µs`,
      );
      sizes.push({ chunks, targets });
    }
    const cacheable = await measurePhase(
      context,
      client,
      { gateway: endpoints.gateway },
      1000,
      scaled(context, 20, 20),
      0,
    );
    const gatewayCacheable = cacheable.gateway as StreamingRun;
    context.progress.note(
      `1000 chunks, cacheable: p50 total ${gatewayCacheable.total.p50.toFixed(2)} ms, CPU per chunk ${gatewayCacheable.cpuPerChunkMicros?.toFixed(1) ?? "-"} µs`,
    );
    return { sizes, gatewayCacheable };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    client.close();
  }
}
