// A loopback stand-in for the GitHub REST API endpoints the workflow scripts call: artifacts (list
// by name, zip download through a redirect), workflow runs, deployments and their statuses,
// repository contents, and issues. It checks the bearer token and answers with the documented
// shapes, so the scripts are tested over HTTP with curl, not against mocks.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A workflow run as `GET /repos/{owner}/{repo}/actions/runs/{id}` answers. */
export interface WorkflowRun {
  id: number;
  path: string;
  event: string;
  head_branch: string;
  repository: { full_name: string };
  head_repository: { full_name: string };
}

/** One artifact and its zip. */
export interface StoredArtifact {
  id: number;
  name: string;
  runId: number;
  zip: Buffer;
  expired?: boolean;
  createdAt: string;
}

export interface StoredDeployment {
  id: number;
  ref: string;
  environment: string;
  task: string;
  payload: Record<string, unknown>;
  statuses: { state: string; environment_url?: string }[];
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  comments: string[];
  user: { login: string };
}

export interface GitHubApiServer {
  url: string;
  repository: string;
  runs: Map<number, WorkflowRun>;
  artifacts: StoredArtifact[];
  deployments: StoredDeployment[];
  /** Files of the deploy branch by path. */
  files: Map<string, string>;
  issues: StoredIssue[];
  /** `METHOD path` of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Starts the server on 127.0.0.1; only `token` is accepted. */
export async function startGitHubApiServer(options: {
  token: string;
  repository: string;
}): Promise<GitHubApiServer> {
  const runs = new Map<number, WorkflowRun>();
  const artifacts: StoredArtifact[] = [];
  const deployments: StoredDeployment[] = [];
  const files = new Map<string, string>();
  const issues: StoredIssue[] = [];
  const requests: string[] = [];
  const prefix = `/repos/${options.repository}`;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, { message: String(error) }),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    requests.push(`${method} ${url.pathname}`);
    const blob = /^\/blob\/(\d+)$/.exec(url.pathname);
    if (blob) {
      // The artifact storage host: authorised by the signed URL, not the token.
      const artifact = artifacts.find((candidate) => candidate.id === Number(blob[1]));
      response.writeHead(artifact ? 200 : 404, { "content-type": "application/zip" });
      response.end(artifact?.zip ?? "");
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      send(response, 401, { message: "Bad credentials" });
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      send(response, 404, { message: "Not Found" });
      return;
    }
    const path = url.pathname.slice(prefix.length);
    const text = await readBody(request);
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    let match: RegExpExecArray | null;

    if (method === "GET" && path === "/actions/artifacts") {
      const name = url.searchParams.get("name");
      const listed = artifacts.filter((artifact) => name === null || artifact.name === name);
      send(response, 200, {
        total_count: listed.length,
        artifacts: listed.map((artifact) => ({
          id: artifact.id,
          name: artifact.name,
          expired: artifact.expired ?? false,
          created_at: artifact.createdAt,
          workflow_run: { id: artifact.runId },
        })),
      });
      return;
    }
    if (method === "GET" && (match = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(path))) {
      response.writeHead(302, { location: `/blob/${match[1]}` });
      response.end();
      return;
    }
    if (method === "GET" && (match = /^\/actions\/runs\/(\d+)$/.exec(path))) {
      const run = runs.get(Number(match[1]));
      send(response, run ? 200 : 404, run ?? { message: "Not Found" });
      return;
    }
    if (path === "/deployments" && method === "GET") {
      const environment = url.searchParams.get("environment");
      const task = url.searchParams.get("task");
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const listed = deployments
        .filter((deployment) => environment === null || deployment.environment === environment)
        .filter((deployment) => task === null || deployment.task === task)
        .reverse()
        .slice(0, perPage);
      send(
        response,
        200,
        listed.map(({ statuses: _, ...deployment }) => deployment),
      );
      return;
    }
    if (path === "/deployments" && method === "POST") {
      const deployment: StoredDeployment = {
        id: deployments.length + 1,
        ref: String(body["ref"]),
        environment: String(body["environment"]),
        task: String(body["task"] ?? "deploy"),
        payload: (body["payload"] ?? {}) as Record<string, unknown>,
        statuses: [],
      };
      deployments.push(deployment);
      send(response, 201, { id: deployment.id });
      return;
    }
    if ((match = /^\/deployments\/(\d+)\/statuses$/.exec(path))) {
      const deployment = deployments.find((candidate) => candidate.id === Number(match?.[1]));
      if (!deployment) return send(response, 404, { message: "Not Found" });
      if (method === "POST") {
        deployment.statuses.unshift({
          state: String(body["state"]),
          environment_url: body["environment_url"] as string | undefined,
        });
        send(response, 201, {});
      } else send(response, 200, deployment.statuses);
      return;
    }
    if ((match = /^\/contents\/(.+)$/.exec(path))) {
      const file = decodeURIComponent(match[1] ?? "");
      const content = files.get(file);
      const sha = (value: string) => String(value.length);
      if (method === "GET") {
        if (content === undefined) return send(response, 404, { message: "Not Found" });
        send(response, 200, {
          sha: sha(content),
          content: Buffer.from(content).toString("base64"),
        });
        return;
      }
      if (method === "PUT") {
        if (content !== undefined && body["sha"] !== sha(content)) {
          return send(response, 409, { message: "sha does not match" });
        }
        files.set(file, Buffer.from(String(body["content"]), "base64").toString("utf8"));
        send(response, 200, { commit: { message: body["message"] } });
        return;
      }
    }
    if (path === "/issues" && method === "GET") {
      const state = url.searchParams.get("state") ?? "open";
      send(
        response,
        200,
        issues.filter((issue) => issue.state === state),
      );
      return;
    }
    if (path === "/issues" && method === "POST") {
      const issue: StoredIssue = {
        number: issues.length + 1,
        title: String(body["title"]),
        body: String(body["body"] ?? ""),
        state: "open",
        comments: [],
        user: { login: "github-actions[bot]" },
      };
      issues.push(issue);
      send(response, 201, issue);
      return;
    }
    if ((match = /^\/issues\/(\d+)(\/comments)?$/.exec(path))) {
      const issue = issues.find((candidate) => candidate.number === Number(match?.[1]));
      if (!issue) return send(response, 404, { message: "Not Found" });
      if (match[2] && method === "POST") issue.comments.push(String(body["body"]));
      if (!match[2] && method === "PATCH") {
        if (body["state"] === "closed" || body["state"] === "open") issue.state = body["state"];
        if (typeof body["title"] === "string") issue.title = body["title"];
      }
      send(response, 200, issue);
      return;
    }
    send(response, 404, { message: `${method} ${path} is not served here` });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    repository: options.repository,
    runs,
    artifacts,
    deployments,
    files,
    issues,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
