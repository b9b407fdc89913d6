import { isStoreUnavailableError } from "../_shared/store/guarded-store.ts";
import type { Store } from "../_shared/store/store.ts";
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
      cache: Exclude<CacheResult, "hit">;
      /** Where to store the answer; undefined on a bypass. */
      key: string | undefined;
      /**
       * Set when this request leads the single flight for `key`: call it exactly once, with the
       * answer, or with undefined when the request failed so followers do the work themselves.
       */
      finishFlight: ((answer: StoredAnswer | undefined) => void) | undefined;
    };

/**
 * Looks `key` up in the store, then among identical requests in flight. No key means the request
 * bypasses the cache; a store that is down or slow turns the lookup into a bypass too, so the
 * request is still served.
 */
export async function lookUpCachedAnswer(
  store: Store,
  flights: SingleFlight<StoredAnswer>,
  key: string | undefined,
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
    const answer = await leader;
    if (answer) return { answer };
    return { cache: "miss", key, finishFlight: undefined };
  }
  return { cache: "miss", key, finishFlight: flights.lead(key) };
}
