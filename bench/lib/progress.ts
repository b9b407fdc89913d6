/** Progress lines on stderr, so that stdout stays clean for the final summary. */
export class Progress {
  private readonly started = performance.now();

  constructor(private readonly totalSteps: number) {}

  /** Announces step `step` of the run. */
  step(step: number, title: string): void {
    process.stderr.write(
      `\n[${step}/${this.totalSteps}] ${title}  (${this.elapsedSeconds()} s elapsed)\n`,
    );
  }

  /** A detail line within the current step. */
  note(text: string): void {
    process.stderr.write(`      ${text}\n`);
  }

  /** Rewrites the current line with a counter, for long loops. */
  counter(label: string, done: number, total: number): void {
    if (process.stderr.isTTY) process.stderr.write(`\r      ${label}: ${done}/${total}   `);
  }

  /** Ends a counter line. */
  endCounter(): void {
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
  }

  /** Seconds since the run started. */
  elapsedSeconds(): string {
    return ((performance.now() - this.started) / 1000).toFixed(1);
  }
}
