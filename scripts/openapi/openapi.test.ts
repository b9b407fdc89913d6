import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "@readme/openapi-parser";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./build-openapi";
import { renderOpenApi } from "./render-openapi";

const repositoryRoot = join(__dirname, "..", "..");
const committed = readFileSync(join(repositoryRoot, "docs", "openapi.yaml"), "utf8");

describe("docs/openapi.yaml", () => {
  it("is what npm run openapi renders from the gateway's schemas", () => {
    expect(committed).toBe(renderOpenApi(repositoryRoot));
  });

  it("is a valid OpenAPI document", async () => {
    const result = await validate(parse(committed) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });
});

describe("buildOpenApiDocument", () => {
  it("requires model and messages in a chat request, as the gateway does", () => {
    const schemas = (
      buildOpenApiDocument("0.0.0")["components"] as {
        schemas: Record<string, { required?: string[] }>;
      }
    ).schemas;
    expect(schemas["ChatCompletionRequest"]?.required).toEqual(["model", "messages"]);
  });

  it("refuses an unknown member in an embeddings request, as the gateway's strict schema does", () => {
    const schemas = (
      buildOpenApiDocument("0.0.0")["components"] as {
        schemas: Record<string, { additionalProperties?: unknown }>;
      }
    ).schemas;
    expect(schemas["EmbeddingRequest"]?.additionalProperties).toBe(false);
  });

  it("fails validation when a path's response is malformed", async () => {
    const document = buildOpenApiDocument("0.0.0") as {
      paths: Record<string, Record<string, { responses: unknown }>>;
    };
    const models = document.paths["/v1/models"];
    if (models?.["get"]) models["get"].responses = "not an object";
    const result = await validate(document as never);
    expect(result.valid).toBe(false);
  });
});
