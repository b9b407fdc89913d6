const encoder = new TextEncoder();

/**
 * A response body that hands out `pieces` one read at a time, as a fetch body does: a byte stream
 * (BYOB readers work), or a plain stream with `kind: "default"`.
 */
export function bodyOf(
  pieces: readonly (string | Uint8Array)[],
  kind: "bytes" | "default" = "bytes",
): ReadableStream<Uint8Array> {
  // Copies: a byte stream takes over (detaches) the buffer of what is enqueued.
  const queue = pieces.map((piece) =>
    typeof piece === "string" ? encoder.encode(piece) : piece.slice(),
  );
  if (kind === "default")
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = queue.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      const next = queue.shift();
      if (next !== undefined) return controller.enqueue(next);
      controller.close();
      // A BYOB read waiting on a closed stream settles only once its request is answered.
      controller.byobRequest?.respond(0);
    },
  });
}

/** Every chunk a stream yields, joined as text. */
export async function textOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>)
    text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
