// A non-JSON answer of the API (a CSV download): the body as text with its own type and file name.
import type { ServerResponse } from "node:http";
import { SECURITY_HEADERS } from "@/server/web/http";

export class TextReply {
  constructor(
    readonly body: string,
    readonly contentType: string,
    /** Offered to the browser as a download under this name. */
    readonly filename?: string,
  ) {}
}

export function sendText(res: ServerResponse, reply: TextReply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": reply.contentType,
    "Content-Length": Buffer.byteLength(reply.body),
    "Cache-Control": "no-store",
    ...(reply.filename ? { "Content-Disposition": `attachment; filename="${reply.filename.replace(/[^\w.-]/g, "_")}"` } : {}),
  });
  res.end(reply.body);
}
