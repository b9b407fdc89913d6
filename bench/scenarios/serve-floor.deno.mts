// The floor for this runtime: a bare `Deno.serve` that reads the request body and answers a fixed
// chat completion, started by bench/scenarios/serve-floor.ts with the gateway script's flags.
const answer = JSON.stringify({
  id: "chatcmpl-floor",
  object: "chat.completion",
  created: 0,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Paris." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 20, completion_tokens: 2, total_tokens: 22 },
});

Deno.serve(
  {
    port: Number(Deno.env.get("PORT")),
    hostname: Deno.env.get("HOST") ?? "127.0.0.1",
    onListen() {},
  },
  async (request) => {
    await request.text();
    return new Response(answer, { headers: { "content-type": "application/json" } });
  },
);
