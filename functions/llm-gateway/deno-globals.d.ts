/**
 * The slice of the `Deno` namespace the entry uses, so `tsc` can check it without Deno's own
 * type library (which is not an npm package). `deno check` uses the real declarations instead.
 */
declare namespace Deno {
  interface ServeOptions {
    port?: number;
    hostname?: string;
    onListen?: (address: { hostname: string; port: number }) => void;
    signal?: AbortSignal;
  }
  interface HttpServer {
    finished: Promise<void>;
    shutdown(): Promise<void>;
  }
  interface SyncWriter {
    writeSync(data: Uint8Array): number;
  }
  function serve(
    options: ServeOptions,
    handler: (request: Request) => Response | Promise<Response>,
  ): HttpServer;
  const env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  const stdout: SyncWriter;
  const stderr: SyncWriter;
  function addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  function exit(code?: number): never;
}
