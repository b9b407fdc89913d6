/** Severity of a log line, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger whose every line passes through the redactor before it is written. */
export interface Logger {
  /** Detail for troubleshooting; dropped at the default level. */
  debug(event: string, fields?: Record<string, unknown>): void;
  /** Normal operation, e.g. one `request` line per request. */
  info(event: string, fields?: Record<string, unknown>): void;
  /** Degraded but served (a candidate failed, the store timed out). */
  warn(event: string, fields?: Record<string, unknown>): void;
  /** A bug or an unserved request. */
  error(event: string, fields?: Record<string, unknown>): void;
}

/** How a {@link Logger} writes and filters. */
export interface LoggerOptions {
  /** Lines below this level are dropped. @default "info" */
  level?: LogLevel;
  /** Applied to every serialised line; see `createRedactor`. */
  redact: (text: string) => string;
  /**
   * Receives each finished line. Warnings and errors go to stderr, the rest to stdout by default.
   * @default console.log / console.error
   */
  write?: (line: string, level: LogLevel) => void;
  /**
   * The trace id of a request by its id: a line whose fields carry `requestId` gets `traceId`
   * too, so logs and traces of one request find each other. Absent when tracing is off.
   */
  traceIdOf?: (requestId: string) => string | undefined;
}

function defaultWrite(line: string, level: LogLevel): void {
  if (level === "warn" || level === "error") console.error(line);
  else console.log(line);
}

function serialiseError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** Creates a {@link Logger}; fields must never carry prompt text (the caller's contract). */
export function createLogger(options: LoggerOptions): Logger {
  const minimum = levelRank[options.level ?? "info"];
  const write = options.write ?? defaultWrite;
  const emit = (level: LogLevel, event: string, fields?: Record<string, unknown>): void => {
    if (levelRank[level] < minimum) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, event };
    if (fields) {
      for (const key in fields) record[key] = serialiseError(fields[key]);
      if (options.traceIdOf && typeof fields.requestId === "string") {
        const traceId = options.traceIdOf(fields.requestId);
        if (traceId !== undefined) record.traceId = traceId;
      }
    }
    write(options.redact(JSON.stringify(record)), level);
  };
  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}
