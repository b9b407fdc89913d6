import { isStoreUnavailableError } from "../../_shared/store/guarded-store.ts";
import type { Store } from "../../_shared/store/store.ts";
import { AttemptAbortedError, DeadlineExceededError } from "../errors.ts";
import type { RequestScope } from "../resilience/execute-candidates.ts";
import type { CacheResult } from "./answer-headers.ts";
import { decodeStoredAnswer, type StoredAnswer } from "./cached-answer.ts";
import type { SingleFlight } from "./single-flight.ts";

/** What a request found in the cache, or what it must do itself. */
export type CacheLookup =
  | {
      /** A stored answer, or the answer of an identical request in flight: serve it as a hit. */
      answer: StoredAnswer;
    }
  | {
      answer?: undefined;
      /** `miss`: the request calls upstream and stores; `bypass`: it neither reads nor stores. */
      cache: Exclude<CacheResult, "hit" | "semantic">;
      /** Where to store the answer; undefined on a bypass. */
      key: string | undefined;
      /**
       * Set when this request leads the single flight for `key`: call it exactly once, with the
       * answer, or with undefined when the request failed so followers do the work themselves.
       */
      finishFlight: ((answer: StoredAnswer | undefined) => void) | undefined;
    };

/** How long a follower waits for its leader, and what ends the wait early. */
export interface FollowerBounds {
  /** The follower's own request scope: its deadline and its client going away. */
  scope: RequestScope;
  /** `LLM_REQUEST_DEADLINE_MS`, for the 504 message. */
  requestDeadlineMs: number;
  /**
   * After this long the leader counts as stalled (e.g. a streaming leader whose client stopped
   * reading) and the follower calls upstream itself (`LLM_ATTEMPT_TIMEOUT_MS`).
   */
  stalledAfterMs: number;
}

/**
 * The leader's answer, undefined when the leader failed or stalled for `stalledAfterMs`.
 * @throws DeadlineExceededError when the follower's deadline passes first, AttemptAbortedError
 *   when its client goes away.
 */
async function awaitLeader(
  leader: Promise<StoredAnswer | undefined>,
  bounds: FollowerBounds,
): Promise<StoredAnswer | undefined> {
  const { signal, deadlineSignal } = bounds.scope;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stalled = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), bounds.stalledAfterMs);
  });
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () =>
      reject(
        deadlineSignal.aborted
          ? new DeadlineExceededError(bounds.requestDeadlineMs)
          : new AttemptAbortedError("client", "the client closed the request"),
      );
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([leader, stalled, aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Looks `key` up in the store, then among identical requests in flight. No key means the request
 * bypasses the cache; a store that is down or slow turns the lookup into a bypass too, so the
 * request is still served. A follower waits for its leader within `bounds`; when the leader fails
 * or stalls it does the work itself (without leading: the stalled leader still holds the key).
 */
export async function lookUpCachedAnswer(
  store: Store,
  flights: SingleFlight<StoredAnswer>,
  key: string | undefined,
  bounds: () => FollowerBounds,
): Promise<CacheLookup> {
  if (key === undefined) return { cache: "bypass", key: undefined, finishFlight: undefined };
  try {
    const cached = await store.get(key);
    const answer = cached === null ? undefined : decodeStoredAnswer(cached);
    if (answer) return { answer };
  } catch (error) {
    if (!isStoreUnavailableError(error)) throw error;
    return { cache: "bypass", key: undefined, finishFlight: undefined };
  }
  const leader = flights.join(key);
  if (leader) {
    const answer = await awaitLeader(leader, bounds());
    if (answer) return { answer };
    return { cache: "miss", key, finishFlight: undefined };
  }
  return { cache: "miss", key, finishFlight: flights.lead(key) };
}
