// A loopback stand-in for the parts of the Supabase Management API that the dynamic providers use.
// It speaks the documented wire format (bearer auth, JSON bodies, multipart function deploys) so the
// providers are tested against HTTP, not against mocks of their own client.
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { vaultStandInSql } from "../../functions/_shared/jobs/test/supabase-stand-ins";

/** One file received by the deploy endpoint. */
export interface ReceivedFile {
  /** The multipart filename, which the Edge Runtime uses as the module path. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  /** The content, decoded as UTF-8. */
  text: string;
}

/** A function as the loopback server stores it after a deploy. */
export interface DeployedFunction {
  /** Stable id, kept across redeploys of the same slug. */
  id: string;
  /** The slug from the `slug` query parameter. */
  slug: string;
  /** `name` from the metadata part. */
  name: string;
  /** Incremented by every deploy of the slug. */
  version: number;
  /** `verify_jwt` from the metadata part. */
  verifyJwt: boolean;
  /** `entrypoint_path` from the metadata part. */
  entrypointPath: string;
  /** Files of the latest deploy, in the order they were sent. */
  files: ReceivedFile[];
  /** Milliseconds since the epoch of the first deploy. */
  createdAt: number;
  /** Milliseconds since the epoch of the latest deploy. */
  updatedAt: number;
}

/** What the server remembers of each request, without the Authorization header's value. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Whether the bearer token matched. */
  authorized: boolean;
  /** Parsed JSON body, the multipart parts, or undefined. */
  body: unknown;
  /** The raw body as UTF-8, so tests can search it for plaintext. */
  rawBody: string;
}

/** A canned failure returned instead of the normal response. */
export interface InjectedFault {
  /** Only requests with this method fail. @default any method */
  method?: string;
  /** Only requests whose path matches fail. */
  path: RegExp;
  /** Status code to answer with. */
  status: number;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** JSON body to answer with. @default `{ "message": "<status text>" }` */
  body?: unknown;
  /** How many matching requests fail before the fault is used up. @default 1 */
  times?: number;
}

/** Options for {@link startManagementApiServer}. */
export interface ManagementApiServerOptions {
  /** The only bearer token the server accepts, until {@link ManagementApiServer.rotateAccessToken}. */
  accessToken: string;
  /** Project refs that exist; any other ref answers 404. */
  projectRefs: string[];
}

/** A running loopback Management API. */
export interface ManagementApiServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Secret values by project ref (the real API never returns these). */
  secrets: Map<string, Map<string, string>>;
  /** Deployed functions by project ref, then slug. */
  functions: Map<string, Map<string, DeployedFunction>>;
  /**
   * The project's database, a real Postgres (PGlite with pgvector and a stand-in Vault) behind
   * `POST /v1/projects/{ref}/database/query`; started on first use, since it takes seconds.
   * @param projectRef - one of the server's projects.
   */
  database(projectRef: string): Promise<PGlite>;
  /**
   * Empties every started database: drops `public` and `supabase_migrations` with their objects
   * and removes every Vault entry.
   */
  resetDatabases(): Promise<void>;
  /** Queue a failure. */
  injectFault(fault: InjectedFault): void;
  /**
   * Rotates the token, as revoking a personal access token and creating another does: from now on
   * only `accessToken` is accepted and the previous one gets 401.
   */
  rotateAccessToken(accessToken: string): void;
  /** Forget recorded requests and pending faults (state is kept). */
  clearRequests(): void;
  /** Close the listener. */
  stop(): Promise<void>;
}

/** Hex SHA-256, the digest the secrets endpoint reports instead of values. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

interface PendingFault extends InjectedFault {
  remaining: number;
}

/** Starts the server on a random free port of 127.0.0.1. */
export async function startManagementApiServer(
  options: ManagementApiServerOptions,
): Promise<ManagementApiServer> {
  const requests: RecordedRequest[] = [];
  const faults: PendingFault[] = [];
  let acceptedToken = options.accessToken;
  const secrets = new Map(options.projectRefs.map((ref) => [ref, new Map<string, string>()]));
  const functions = new Map(
    options.projectRefs.map((ref) => [ref, new Map<string, DeployedFunction>()]),
  );

  const databases = new Map<string, Promise<PGlite>>();
  const database = (projectRef: string): Promise<PGlite> => {
    let started = databases.get(projectRef);
    if (!started) {
      // Every Supabase project has Vault; PGlite gets the stand-in (supabase-stand-ins.ts).
      started = PGlite.create({ extensions: { vector } }).then(async (created) => {
        await created.exec(vaultStandInSql);
        return created;
      });
      databases.set(projectRef, started);
    }
    return started;
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendJson(response, 500, { message: `loopback server error: ${String(error)}` });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const rawBytes = await readBody(request);
    const contentType = request.headers["content-type"] ?? "";
    const authorized = request.headers.authorization === `Bearer ${acceptedToken}`;
    const method = request.method ?? "GET";
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorized,
      body: undefined,
      rawBody: rawBytes.toString("utf8"),
    };
    requests.push(recorded);

    const fault = faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.method === undefined || candidate.method === method) &&
        candidate.path.test(url.pathname),
    );
    if (fault) {
      fault.remaining -= 1;
      sendJson(response, fault.status, fault.body ?? { message: `injected ${fault.status}` }, {
        ...fault.headers,
      });
      return;
    }
    if (!authorized) {
      sendJson(response, 401, { message: "Unauthorized" });
      return;
    }

    const queryMatch = /^\/v1\/projects\/([^/]+)\/database\/query$/.exec(url.pathname);
    if (queryMatch) {
      await runDatabaseQuery(queryMatch[1], method, recorded, response);
      return;
    }

    const match = /^\/v1\/projects\/([^/]+)\/(secrets|functions)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) {
      sendJson(response, 404, { message: "Not Found" });
      return;
    }
    const [, projectRef, area, rest] = match;
    const projectSecrets = secrets.get(projectRef);
    const projectFunctions = functions.get(projectRef);
    if (!projectSecrets || !projectFunctions) {
      sendJson(response, 404, { message: `Project ${projectRef} not found` });
      return;
    }

    if (area === "secrets" && rest === undefined) {
      if (method === "GET") {
        const listed = [...projectSecrets].map(([name, value]) => ({
          name,
          value: sha256Hex(value),
          updated_at: new Date().toISOString(),
        }));
        sendJson(response, 200, listed);
        return;
      }
      const parsed: unknown = rawBytes.length > 0 ? JSON.parse(recorded.rawBody) : undefined;
      recorded.body = parsed;
      if (method === "POST") {
        if (!isSecretList(parsed)) {
          sendJson(response, 400, { message: "Body must be an array of { name, value }" });
          return;
        }
        const reserved = parsed.find((secret) => secret.name.startsWith("SUPABASE_"));
        if (reserved) {
          sendJson(response, 400, {
            message: `Env var name cannot start with SUPABASE_: ${reserved.name}`,
          });
          return;
        }
        for (const secret of parsed) projectSecrets.set(secret.name, secret.value);
        sendJson(response, 201, {});
        return;
      }
      if (method === "DELETE") {
        if (!Array.isArray(parsed) || !parsed.every((name) => typeof name === "string")) {
          sendJson(response, 400, { message: "Body must be an array of secret names" });
          return;
        }
        for (const name of parsed as string[]) projectSecrets.delete(name);
        sendJson(response, 200, {});
        return;
      }
    }

    if (area === "functions" && rest === "deploy" && method === "POST") {
      await deploy(url, request, rawBytes, contentType, projectFunctions, recorded, response);
      return;
    }
    if (area === "functions" && rest === undefined && method === "GET") {
      sendJson(response, 200, [...projectFunctions.values()].map(describeFunction));
      return;
    }
    if (area === "functions" && rest !== undefined) {
      const deployed = projectFunctions.get(rest);
      if (!deployed) {
        sendJson(response, 404, { message: `Function ${rest} not found` });
        return;
      }
      if (method === "GET") {
        sendJson(response, 200, describeFunction(deployed));
        return;
      }
      if (method === "DELETE") {
        projectFunctions.delete(rest);
        sendJson(response, 200, {});
        return;
      }
    }
    sendJson(response, 405, { message: `${method} ${url.pathname} is not supported` });
  }

  // The documented endpoint: `{ "query": "<sql>" }` in, the rows of the last statement out (201);
  // a database error is a 400 whose message carries Postgres's error, as the real API answers.
  async function runDatabaseQuery(
    projectRef: string,
    method: string,
    recorded: RecordedRequest,
    response: ServerResponse,
  ): Promise<void> {
    if (!secrets.has(projectRef)) {
      sendJson(response, 404, { message: `Project ${projectRef} not found` });
      return;
    }
    if (method !== "POST") {
      sendJson(response, 405, { message: `${method} ${recorded.path} is not supported` });
      return;
    }
    const parsed: unknown = recorded.rawBody.length > 0 ? JSON.parse(recorded.rawBody) : undefined;
    recorded.body = parsed;
    const query = (parsed as { query?: unknown } | undefined)?.query;
    if (typeof query !== "string" || query.trim() === "") {
      sendJson(response, 400, { message: "query must be a non-empty string" });
      return;
    }
    const db = await database(projectRef);
    try {
      const results = await db.exec(query);
      sendJson(response, 201, results.at(-1)?.rows ?? []);
    } catch (error) {
      // Like a fresh connection per request on the real service: no failed transaction lingers.
      await db.exec("rollback").catch(() => undefined);
      const fields = error as { code?: unknown; message?: unknown };
      sendJson(response, 400, {
        message: `Failed to run sql query: ERROR:  ${String(fields.code ?? "XX000")}: ${String(fields.message ?? error)}`,
      });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    secrets,
    functions,
    database(projectRef) {
      if (!secrets.has(projectRef))
        throw new Error(`the loopback API has no project ${projectRef}`);
      return database(projectRef);
    },
    async resetDatabases() {
      for (const started of databases.values()) {
        await (
          await started
        ).exec(
          "drop schema if exists supabase_migrations cascade; drop schema if exists public cascade; create schema public; delete from vault.secrets;",
        );
      }
    },
    injectFault(fault) {
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    rotateAccessToken(accessToken) {
      acceptedToken = accessToken;
    },
    clearRequests() {
      requests.length = 0;
      faults.length = 0;
    },
    async stop() {
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      for (const started of databases.values()) await (await started).close();
      databases.clear();
    },
  };
}

async function deploy(
  url: URL,
  request: IncomingMessage,
  rawBytes: Buffer,
  contentType: string,
  projectFunctions: Map<string, DeployedFunction>,
  recorded: RecordedRequest,
  response: ServerResponse,
): Promise<void> {
  const slug = url.searchParams.get("slug");
  if (!slug || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(slug)) {
    sendJson(response, 400, { message: "Invalid or missing slug" });
    return;
  }
  if (!contentType.startsWith("multipart/form-data")) {
    sendJson(response, 400, { message: "Expected multipart/form-data" });
    return;
  }
  // The platform's Request parses multipart exactly as a server framework would.
  const form = await new Request(`http://127.0.0.1${request.url ?? "/"}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: rawBytes,
  }).formData();
  const metadataPart = form.get("metadata");
  if (typeof metadataPart !== "string") {
    sendJson(response, 400, { message: "Missing metadata part" });
    return;
  }
  const metadata = JSON.parse(metadataPart) as {
    entrypoint_path?: string;
    name?: string;
    verify_jwt?: boolean;
  };
  const files: ReceivedFile[] = [];
  for (const part of form.getAll("file")) {
    if (typeof part === "string") continue;
    const bytes = new Uint8Array(await part.arrayBuffer());
    files.push({
      name: part.name,
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
      text: new TextDecoder().decode(bytes),
    });
  }
  recorded.body = {
    metadata,
    files: files.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
  };
  if (!metadata.entrypoint_path || !files.some((file) => file.name === metadata.entrypoint_path)) {
    sendJson(response, 400, { message: "entrypoint_path must name one of the uploaded files" });
    return;
  }
  const now = Date.now();
  const previous = projectFunctions.get(slug);
  const deployed: DeployedFunction = {
    id: previous?.id ?? randomUUID(),
    slug,
    name: metadata.name ?? slug,
    version: (previous?.version ?? 0) + 1,
    verifyJwt: metadata.verify_jwt ?? true,
    entrypointPath: metadata.entrypoint_path,
    files,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  projectFunctions.set(slug, deployed);
  sendJson(response, 201, describeFunction(deployed));
}

function describeFunction(deployed: DeployedFunction): Record<string, unknown> {
  return {
    id: deployed.id,
    slug: deployed.slug,
    name: deployed.name,
    status: "ACTIVE",
    version: deployed.version,
    created_at: deployed.createdAt,
    updated_at: deployed.updatedAt,
    verify_jwt: deployed.verifyJwt,
    import_map: false,
    entrypoint_path: deployed.entrypointPath,
    ezbr_sha256: sha256Hex(deployed.files.map((file) => file.sha256).join("")),
  };
}

function isSecretList(value: unknown): value is Array<{ name: string; value: string }> {
  return (
    Array.isArray(value) &&
    value.every(
      (entry: unknown) =>
        typeof entry === "object" &&
        entry !== null &&
        typeof (entry as { name?: unknown }).name === "string" &&
        typeof (entry as { value?: unknown }).value === "string",
    )
  );
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}
