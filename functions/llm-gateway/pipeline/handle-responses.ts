import type { Caller } from "../request/caller.ts";
import type { RequestContext } from "../request/request-context.ts";
import { parseChatRequest } from "../request/request-schema.ts";
import { chatRequestOfResponses } from "../responses/responses-request.ts";
import { responsesFormat } from "../responses/responses-format.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { serveChat } from "./chat-pipeline.ts";

/**
 * `POST /v1/responses` (OpenAI's Responses API, the Vercel AI SDK's default): translated to a chat
 * request, served by the same pipeline (cache, fallback, spend) on every provider, and answered as
 * a `response` object or as Responses stream events.
 */
export function handleResponses(
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: Caller,
): Promise<Response> {
  const chat = parseChatRequest(chatRequestOfResponses(body));
  return serveChat(runtime, request, chat, context, caller, responsesFormat);
}
