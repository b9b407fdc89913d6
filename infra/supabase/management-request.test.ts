import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../../test/supabase/management-api-server";
import type { SupabaseManagementError } from "./management-request";
import {
  isSupabaseManagementError,
  managementRequest,
  retryAfterSeconds,
} from "./management-request";

const accessToken = "sbp_test_token_0123456789";
const projectRef = "stagingref";
const secretsPath = `/v1/projects/${projectRef}/secrets`;

let server: ManagementApiServer;

beforeAll(async () => {
  server = await startManagementApiServer({ accessToken, projectRefs: [projectRef] });
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  server.clearRequests();
});

async function failure(promise: Promise<unknown>): Promise<SupabaseManagementError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isSupabaseManagementError(error))
    throw new Error(`expected a failure, got ${String(error)}`);
  return error;
}

describe("managementRequest", () => {
  it("sends the bearer token and returns the parsed body", async () => {
    const response = await managementRequest({
      apiUrl: server.url,
      accessToken,
      method: "GET",
      path: secretsPath,
    });

    expect(response).toEqual({ status: 200, body: [] });
    expect(server.requests[0].authorized).toBe(true);
  });

  it("reports a 401 with the endpoint and the config key, without the token", async () => {
    const error = await failure(
      managementRequest({
        apiUrl: server.url,
        accessToken: "sbp_wrong_token",
        method: "GET",
        path: secretsPath,
      }),
    );

    expect(error.status).toBe(401);
    expect(error.message).toContain(`GET ${secretsPath} answered 401`);
    expect(error.message).toContain("platform:supabaseAccessToken");
    expect(error.message).not.toContain("sbp_wrong_token");
  });

  it("reports a 404 for an unknown project naming platform:supabase.projectRef", async () => {
    const error = await failure(
      managementRequest({
        apiUrl: server.url,
        accessToken,
        method: "GET",
        path: "/v1/projects/nosuchref/secrets",
      }),
    );

    expect(error.status).toBe(404);
    expect(error.message).toContain("GET /v1/projects/nosuchref/secrets answered 404");
    expect(error.message).toContain("platform:supabase.projectRef");
  });

  it("retries a 429 after Retry-After and returns the later success", async () => {
    server.injectFault({
      path: /\/secrets$/,
      status: 429,
      headers: { "retry-after": "0" },
      times: 2,
    });

    const response = await managementRequest({
      apiUrl: server.url,
      accessToken,
      method: "GET",
      path: secretsPath,
    });

    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(3);
  });

  it("gives up on a 429 after the bounded number of retries", async () => {
    server.injectFault({
      path: /\/secrets$/,
      status: 429,
      headers: { "retry-after": "0" },
      times: 10,
    });

    const error = await failure(
      managementRequest({
        apiUrl: server.url,
        accessToken,
        method: "GET",
        path: secretsPath,
        maxRateLimitRetries: 2,
      }),
    );

    expect(error.status).toBe(429);
    expect(error.message).toContain("still 429 after 2 retries");
    expect(server.requests).toHaveLength(3);
  });

  it("surfaces a 5xx with the endpoint, status and the API's message", async () => {
    server.injectFault({
      method: "POST",
      path: /\/secrets$/,
      status: 503,
      body: { message: "upstream unavailable" },
    });

    const error = await failure(
      managementRequest({
        apiUrl: server.url,
        accessToken,
        method: "POST",
        path: secretsPath,
        json: [{ name: "A", value: "b" }],
      }),
    );

    expect(error.message).toBe(
      `Supabase Management API POST ${secretsPath} answered 503: the Management API failed; retry later (upstream unavailable)`,
    );
  });

  it("redacts the token when the API echoes it back", async () => {
    server.injectFault({
      path: /\/secrets$/,
      status: 400,
      body: { message: `bad token ${accessToken}` },
    });

    const error = await failure(
      managementRequest({ apiUrl: server.url, accessToken, method: "GET", path: secretsPath }),
    );

    expect(error.message).toContain("bad token [redacted]");
    expect(error.message).not.toContain(accessToken);
  });

  it("reports an unreachable API with status 0 and the base URL", async () => {
    const error = await failure(
      managementRequest({
        apiUrl: "http://127.0.0.1:1",
        accessToken,
        method: "GET",
        path: secretsPath,
      }),
    );

    expect(error.status).toBe(0);
    expect(error.message).toContain("could not be reached at http://127.0.0.1:1");
  });
});

describe("retryAfterSeconds", () => {
  it("reads delta-seconds", () => {
    expect(retryAfterSeconds("7", 60)).toBe(7);
  });

  it("clamps a long wait to the maximum", () => {
    expect(retryAfterSeconds("3600", 60)).toBe(60);
  });

  it("reads an HTTP date relative to now", () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();

    expect(retryAfterSeconds(inTenSeconds, 60)).toBeGreaterThan(8);
    expect(retryAfterSeconds(inTenSeconds, 60)).toBeLessThanOrEqual(10);
  });

  it("waits one second when the header is missing", () => {
    expect(retryAfterSeconds(null, 60)).toBe(1);
  });
});
