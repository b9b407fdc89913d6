// A stand-in (plain JavaScript, so the Node type-check skips it) for functions/llm-gateway/index.ts, run under real Deno by the local-platform tests:
// it answers /health like the gateway, reports the wiring it was given, and can die on request.
const port = Number(Deno.env.get("PORT"));
const exitAfterMs = Number(Deno.env.get("STAND_IN_EXIT_AFTER_MS") ?? "0");
const exitBeforeReady = Deno.env.get("STAND_IN_EXIT_BEFORE_READY") === "1";

if (exitBeforeReady) {
  console.error("stand-in gateway: failing on purpose before listening");
  Deno.exit(3);
}

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => console.log(`stand-in gateway on ${port}`) }, (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === "/health") return Response.json({ status: "ok" });
  if (pathname === "/wiring") {
    return Response.json({
      openaiBaseUrl: Deno.env.get("OPENAI_BASE_URL") ?? null,
      anthropicBaseUrl: Deno.env.get("ANTHROPIC_BASE_URL") ?? null,
      openaiKeySet: (Deno.env.get("OPENAI_API_KEY") ?? "") !== "",
      anthropicKeySet: (Deno.env.get("ANTHROPIC_API_KEY") ?? "") !== "",
      redisUrl: Deno.env.get("REDIS_URL") ?? null,
    });
  }
  return new Response("not found", { status: 404 });
});

if (exitAfterMs > 0) setTimeout(() => Deno.exit(4), exitAfterMs);
