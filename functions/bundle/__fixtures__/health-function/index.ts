// A small Deno function shaped like the gateway: bare npm imports (inlined by the bundle), a node:
// built-in (kept external), a relative .ts import and the Deno global.
import { ConsecutiveBreaker, circuitBreaker, handleAll } from "cockatiel";
import { z } from "zod";
import { createHash } from "node:crypto";
import { greeting } from "./greeting.ts";

const healthSchema = z.object({ status: z.literal("ok") });
const breaker = circuitBreaker(handleAll, {
  halfOpenAfter: 1_000,
  breaker: new ConsecutiveBreaker(3),
});

Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? "8000"), onListen() {} },
  async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/health")) {
      const body = await breaker.execute(() => healthSchema.parse({ status: "ok" }));
      const digest = createHash("sha256").update(greeting).digest("hex");
      return Response.json({ ...body, greeting, digest });
    }
    return new Response("not found", { status: 404 });
  },
);
