import type { Caller } from "../request/caller.ts";
import type { RequestContext } from "../request/request-context.ts";
import { parseChatRequest } from "../request/request-schema.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { chatCompletionsFormat } from "./answer-format.ts";
import { serveChat } from "./chat-pipeline.ts";

/** `POST /v1/chat/completions`. */
export function handleChat(
  runtime: GatewayRuntime,
  request: Request,
  body: unknown,
  context: RequestContext,
  caller: Caller,
): Promise<Response> {
  return serveChat(
    runtime,
    request,
    parseChatRequest(body),
    context,
    caller,
    chatCompletionsFormat,
  );
}
