// The docs stand on their own in a fork: every relative link in README.md and docs/*.md leads to
// a file of the repository.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokenLinks, relativeLinks } from "./support/markdown-links";
import { repositoryRoot } from "./support/repository-root";

const documents = [
  "README.md",
  ...readdirSync(join(repositoryRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

describe("links in the repository's documentation", () => {
  it.each(documents)("%s links only to files of the repository", (document) => {
    const path = join(repositoryRoot, document);
    expect(brokenLinks(repositoryRoot, path, readFileSync(path, "utf8"))).toEqual([]);
  });
});

describe("relativeLinks", () => {
  it("finds inline links and images", () => {
    expect(relativeLinks("See [a](docs/a.md) and ![b](img/b.png).\n")).toEqual([
      { target: "docs/a.md", line: 1 },
      { target: "img/b.png", line: 1 },
    ]);
  });

  it("finds reference definitions", () => {
    expect(relativeLinks("[a]: ./a.md\n")).toEqual([{ target: "./a.md", line: 1 }]);
  });

  it("leaves out web links and anchors", () => {
    expect(relativeLinks("[a](https://example.com) [b](#section) [c](mailto:x@y.z)\n")).toEqual([]);
  });

  it("leaves out links in fenced code blocks", () => {
    expect(relativeLinks("```md\n[a](missing.md)\n```\n")).toEqual([]);
  });

  it("finds a parent path mentioned in inline code", () => {
    expect(relativeLinks("Decisions: `../shared/DESIGN.md`.\n")).toEqual([
      { target: "../shared/DESIGN.md", line: 1 },
    ]);
  });
});

describe("brokenLinks", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "docs-links-"));
    mkdirSync(join(root, "docs"));
    writeFileSync(join(root, "docs", "present.md"), "# Present\n");
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("accepts a link to an existing file, anchor included", () => {
    const document = join(root, "docs", "index.md");
    expect(brokenLinks(root, document, "[p](present.md#top)\n")).toEqual([]);
  });

  it("reports a link to a missing file with its line", () => {
    const document = join(root, "docs", "index.md");
    expect(brokenLinks(root, document, "\n[m](missing.md)\n")).toEqual([
      "line 2: missing.md does not exist",
    ]);
  });

  it("reports a link outside the repository", () => {
    const document = join(root, "docs", "index.md");
    expect(brokenLinks(root, document, "[d](../../shared/DESIGN.md)\n")).toEqual([
      "line 1: ../../shared/DESIGN.md is outside the repository",
    ]);
  });
});
