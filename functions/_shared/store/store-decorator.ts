import type { LimitedIncrement, SetOptions, Store, StoreKind } from "./store.ts";

/**
 * A {@link Store} that passes every call of another store through {@link StoreDecorator.around},
 * named by its operation (`get`, `set`, `increment_within_limit`, ...: the names
 * `llm_gateway_store_errors_total{operation}` counts). `close` goes straight through. The hash
 * methods exist only when the inner store has both.
 */
export abstract class StoreDecorator implements Store {
  readonly kind: StoreKind;
  /** Present when the inner store has it. */
  readonly incrementFields?: (key: string, amounts: ReadonlyMap<string, number>) => Promise<void>;
  /** Present when the inner store has it. */
  readonly getFields?: (key: string) => Promise<Record<string, string>>;

  /** @param inner - the store every call reaches. */
  constructor(protected readonly inner: Store) {
    this.kind = inner.kind;
    if (inner.incrementFields && inner.getFields) {
      const incrementFields = inner.incrementFields.bind(inner);
      const getFields = inner.getFields.bind(inner);
      this.incrementFields = (key, amounts) =>
        this.around("increment_fields", () => incrementFields(key, amounts));
      this.getFields = (key) => this.around("get_fields", () => getFields(key));
    }
  }

  /**
   * Runs one call of the inner store.
   * @param operation - the store operation, e.g. `get`.
   * @param call - makes the call.
   */
  protected abstract around<T>(operation: string, call: () => Promise<T>): Promise<T>;

  get(key: string): Promise<string | null> {
    return this.around("get", () => this.inner.get(key));
  }
  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.around("get_many", () => this.inner.getMany(keys));
  }
  set(key: string, value: string, options?: SetOptions): Promise<boolean> {
    return this.around("set", () => this.inner.set(key, value, options));
  }
  delete(...keys: string[]): Promise<void> {
    return this.around("delete", () => this.inner.delete(...keys));
  }
  increment(key: string, amount: number, ttlSeconds?: number): Promise<number> {
    return this.around("increment", () => this.inner.increment(key, amount, ttlSeconds));
  }
  incrementWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlSeconds?: number,
  ): Promise<LimitedIncrement> {
    return this.around("increment_within_limit", () =>
      this.inner.incrementWithinLimit(key, amount, limit, ttlSeconds),
    );
  }
  ping(): Promise<void> {
    return this.around("ping", () => this.inner.ping());
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
