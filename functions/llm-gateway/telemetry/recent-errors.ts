/** One failed request as the status page lists it (already redacted, never prompt text). */
export interface RecentError {
  /** ISO time. */
  time: string;
  /** Route, e.g. "/v1/chat/completions". */
  route: string;
  /** HTTP status answered. */
  status: number;
  /** The error message sent to the client, redacted. */
  message: string;
  /** Request id, to find the log line. */
  requestId: string;
}

/** The last failed requests of this process, newest first, for the status page. */
export class RecentErrors {
  private readonly entries: RecentError[] = [];

  constructor(
    /** How many are kept. @default 20 */
    private readonly limit = 20,
  ) {}

  /** Records one. */
  add(entry: RecentError): void {
    this.entries.unshift(entry);
    if (this.entries.length > this.limit) this.entries.length = this.limit;
  }

  /** Newest first. */
  list(): RecentError[] {
    return [...this.entries];
  }
}
