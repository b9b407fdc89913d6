/**
 * Serves one PGlite database to several Postgres clients at once (the gateway, the job worker,
 * psql) over the wire protocol on a loopback port. PGlite is a single backend session, so clients
 * take turns on it: a client holds the session from its first message until the backend is idle
 * again after a Sync or a simple Query (no transaction block open), and the messages of two
 * clients never interleave. `@electric-sql/pglite-socket` queues message by message instead, so
 * one client's Bind can land on another client's unnamed statement ("bind message supplies 3
 * parameters, but prepared statement "" requires 7"), which is why this file exists.
 *
 * What it does not do: cancel requests (the connection is closed instead), COPY, or prepared
 * statement names per client (names are shared by all clients, as in a transaction pooler; the
 * gateway and the worker prepare nothing).
 */
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

/** Options of {@link startPgliteSessionServer}. */
export interface PgliteSessionServerOptions {
  /** The database to serve. */
  database: PGlite;
  /**
   * The loopback address to listen on.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * The port; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Clients connected at once; one more is refused with SQLSTATE 53300.
   * @default 8
   */
  maxConnections?: number;
}

/** A running server. */
export interface PgliteSessionServer {
  /** The port it listens on. */
  port: number;
  /** Stops listening and closes every client connection (rolling back what they left open). */
  stop(): Promise<void>;
}

const sslRequestCode = 80_877_103;
const gssEncryptionRequestCode = 80_877_104;
const cancelRequestCode = 80_877_102;
const protocolVersion3 = 196_608;

/** Message types after which the backend answers: Sync, Query, Flush. */
const answeringTypes = new Set(["S", "Q", "H"]);

/** A Postgres ErrorResponse, for refusals before the session is involved. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from("SFATAL\0", "utf8"),
    Buffer.from(`C${code}\0`, "utf8"),
    Buffer.from(`M${message}\0`, "utf8"),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write("E", 0, "latin1");
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/** The first-in-first-out turn of the one backend session. */
class SessionTurns {
  private holder: object | undefined;
  private readonly waiting: Array<{ client: object; grant: () => void }> = [];

  /** Resolves once `client` holds the session (at once when it already does). */
  acquire(client: object): Promise<void> {
    if (this.holder === client) return Promise.resolve();
    if (this.holder === undefined) {
      this.holder = client;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ client, grant: resolve }));
  }

  /** Gives the session to the next waiting client, if `client` holds it. */
  release(client: object): void {
    if (this.holder !== client) return;
    const next = this.waiting.shift();
    this.holder = next?.client;
    next?.grant();
  }

  /** Removes a client that left while waiting. */
  forget(client: object): void {
    const index = this.waiting.findIndex((entry) => entry.client === client);
    if (index >= 0) this.waiting.splice(index, 1);
    this.release(client);
  }

  /** Whether `client` holds the session. */
  holds(client: object): boolean {
    return this.holder === client;
  }
}

/**
 * Starts the server.
 * @param options - see {@link PgliteSessionServerOptions}.
 */
export async function startPgliteSessionServer(
  options: PgliteSessionServerOptions,
): Promise<PgliteSessionServer> {
  const { database } = options;
  const maxConnections = options.maxConnections ?? 8;
  const turns = new SessionTurns();
  const sockets = new Set<Socket>();
  await database.waitReady;

  /** Runs raw protocol bytes on the session, streaming the backend's answer to the client. */
  const execute = async (socket: Socket, bytes: Uint8Array): Promise<void> => {
    await database.runExclusive(() =>
      database.execProtocolRawStream(bytes, {
        onRawData: (chunk) => {
          if (socket.writable) socket.write(Buffer.from(chunk));
        },
      }),
    );
  };

  /** Leaves the session clean for the next client: ends an open extended query and transaction. */
  const abandon = async (client: object): Promise<void> => {
    if (!turns.holds(client)) {
      turns.forget(client);
      return;
    }
    try {
      await database.runExclusive(() =>
        database.execProtocolRawStream(new Uint8Array([0x53, 0, 0, 0, 4]), {
          onRawData: () => undefined,
        }),
      );
      if (database.isInTransaction()) await database.exec("rollback");
    } catch {
      // The database is closing; there is no session left to clean.
    }
    turns.forget(client);
  };

  const serve = (socket: Socket): void => {
    if (sockets.size >= maxConnections) {
      socket.on("error", () => socket.destroy());
      socket.end(errorResponse("53300", `too many connections (at most ${maxConnections})`), () =>
        socket.destroy(),
      );
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    const client = {};
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;
    let closed = false;
    let work: Promise<void> = Promise.resolve();

    const close = (): void => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      work = work.then(() => abandon(client));
      socket.destroy();
    };

    /** Handles what the buffer holds: the start-up exchange, then whole groups of messages. */
    const drain = async (): Promise<void> => {
      while (!started && !closed && buffer.length >= 8) {
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        const packet = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === sslRequestCode || code === gssEncryptionRequestCode) {
          socket.write("N");
        } else if (code === cancelRequestCode) {
          close();
          return;
        } else if (code === protocolVersion3) {
          await turns.acquire(client);
          try {
            await execute(socket, packet);
          } finally {
            turns.release(client);
          }
          started = true;
        } else {
          socket.end(errorResponse("08P01", `unsupported protocol ${code}`));
          close();
          return;
        }
      }
      if (!started || closed) return;
      // Whole messages up to the last one the backend answers; the rest waits for more bytes.
      let offset = 0;
      let answeredUpTo = 0;
      let lastType = "";
      let terminate = false;
      while (buffer.length - offset >= 5) {
        const type = String.fromCharCode(buffer[offset] as number);
        const length = buffer.readInt32BE(offset + 1);
        if (buffer.length - offset < 1 + length) break;
        if (type === "X") {
          terminate = true;
          break;
        }
        offset += 1 + length;
        if (answeringTypes.has(type)) {
          answeredUpTo = offset;
          lastType = type;
        }
      }
      if (answeredUpTo > 0) {
        const group = buffer.subarray(0, answeredUpTo);
        buffer = buffer.subarray(answeredUpTo);
        await turns.acquire(client);
        await execute(socket, group);
        // After a Flush the extended query is still open; after Sync or Query the session is free
        // again unless a transaction block is.
        if (lastType !== "H" && !database.isInTransaction()) turns.release(client);
      }
      if (terminate) {
        socket.end();
        close();
      }
    };

    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      work = work.then(drain).catch(() => close());
    });
    socket.on("error", close);
    socket.on("close", close);
  };

  const server: Server = createServer(serve);
  server.maxConnections = maxConnections + 1;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  let stopping: Promise<void> | undefined;
  return {
    port,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}
