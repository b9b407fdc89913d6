// Several postgres.js clients on one PGlite session at once, as under `npm start` (the gateway and
// the job worker) and in the job tests.
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { timeouts } from "../../test/support/timeouts";
import { startPgliteSessionServer, type PgliteSessionServer } from "./pglite-session-server";

let database: PGlite;
let server: PgliteSessionServer;
const clients: postgres.Sql[] = [];

function connect(options: { max?: number } = {}): postgres.Sql {
  const sql = postgres(`postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`, {
    max: options.max ?? 1,
    prepare: false,
    fetch_types: false,
    onnotice: () => undefined,
  });
  clients.push(sql);
  return sql;
}

beforeAll(async () => {
  database = await PGlite.create();
  await database.exec("create table counters (name text primary key, value integer not null)");
  server = await startPgliteSessionServer({ database, maxConnections: 4 });
}, timeouts.hook);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((sql) => sql.end({ timeout: 1 })));
  await database.exec("delete from counters");
});

afterAll(async () => {
  await server?.stop();
  await database?.close();
});

/** Sums `count` parameters, so a Bind landing on another client's statement would fail. */
async function sums(sql: postgres.Sql, count: number, times: number): Promise<number[]> {
  const parameters = Array.from({ length: count }, (_, index) => index + 1);
  const placeholders = parameters.map((_, index) => `$${index + 1}::int`).join(" + ");
  const totals: number[] = [];
  for (let time = 0; time < times; time++) {
    const [row] = await sql.unsafe<Array<{ total: number }>>(
      `select ${placeholders} as total`,
      parameters,
    );
    totals.push(row?.total ?? -1);
  }
  return totals;
}

describe("the PGlite session server", () => {
  it("keeps the statements of clients running at once apart", async () => {
    const [three, seven] = await Promise.all([sums(connect(), 3, 50), sums(connect(), 7, 50)]);

    expect({ three: new Set(three), seven: new Set(seven) }).toEqual({
      three: new Set([6]),
      seven: new Set([28]),
    });
  });

  it("lets a client's transaction finish before another client's statement runs", async () => {
    const first = connect();
    const second = connect();
    let outsideRead: Promise<Array<{ value: number }>> | undefined;

    await first.begin(async (transaction) => {
      await transaction`insert into counters values ('a', 1)`;
      outsideRead = second<Array<{ value: number }>>`select value from counters where name = 'a'`;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await transaction`update counters set value = 2 where name = 'a'`;
    });

    expect(await outsideRead).toEqual([{ value: 2 }]);
  });

  it("rolls back the transaction of a client that went away, and serves the others", async () => {
    const leaving = connect();
    const staying = connect();
    const transaction = leaving.begin(async (sql) => {
      await sql`insert into counters values ('left', 1)`;
      await new Promise(() => undefined);
    });
    void transaction.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await leaving.end({ timeout: 0 });
    const rows = await staying`select count(*)::int as count from counters where name = 'left'`;

    expect(rows).toEqual([{ count: 0 }]);
  });

  it("refuses a connection beyond its limit with SQLSTATE 53300", async () => {
    const held = [connect(), connect(), connect(), connect()];
    await Promise.all(held.map((sql) => sql`select 1`));

    const refused = await connect()`select 1`.catch((error: { code?: string }) => error.code);

    expect(refused).toBe("53300");
  });
});
