import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withDirectoryLock } from "./directory-lock";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "directory-lock-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A process id no process has (above Linux's pid_max of 2^22). */
const deadProcessId = 4_194_304 + 1;

describe("withDirectoryLock", () => {
  it("lets one holder in at a time", async () => {
    const directory = path.join(root, "artifact");
    let inside = 0;
    let mostInside = 0;
    const hold = () =>
      withDirectoryLock(
        directory,
        async () => {
          inside += 1;
          mostInside = Math.max(mostInside, inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
        },
        { pollMs: 1 },
      );

    await Promise.all(Array.from({ length: 5 }, hold));

    expect(mostInside).toBe(1);
  });

  it("returns what the work returns and removes the lock", async () => {
    const directory = path.join(root, "artifact");

    const result = await withDirectoryLock(directory, async () => "done");

    expect({ result, left: await readdir(root) }).toEqual({ result: "done", left: [] });
  });

  it("removes the lock when the work throws", async () => {
    const directory = path.join(root, "artifact");

    await withDirectoryLock(directory, () => Promise.reject(new Error("failed"))).catch(
      () => undefined,
    );

    expect(await readdir(root)).toEqual([]);
  });

  it("takes over a lock whose owner no longer runs", async () => {
    const directory = path.join(root, "artifact");
    await mkdir(`${directory}.lock`);
    await writeFile(path.join(`${directory}.lock`, "owner"), String(deadProcessId));

    await expect(withDirectoryLock(directory, async () => "taken over")).resolves.toBe(
      "taken over",
    );
  });
});
