// HTTP plumbing for the JSON API: bounded body reading, strict JSON decoding, zod errors turned into
// ApiErrorDTO with one message per field, and the response helpers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { ApiErrorDTO } from "@/lib/events";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  const body: ApiErrorDTO = { error: err.message };
  if (err.fields && Object.keys(err.fields).length) body.fields = err.fields;
  // After an unread or oversized body the connection cannot be reused safely.
  const close: Record<string, string> = err.status === 413 || err.status === 415 ? { Connection: "close" } : {};
  sendJson(res, err.status, body, { ...err.headers, ...close });
}

/** One message per field path ("" → "(body)"), first issue wins; and a summary naming the first field. */
export function zodFields(error: z.ZodError): { summary: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "(body)";
    fields[key] ??= issue.message;
  }
  const first = error.issues[0];
  const where = first ? first.path.map(String).join(".") || "body" : "body";
  return { summary: first ? `${where}: ${first.message}` : "invalid", fields };
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: "body" | "query"): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const { summary, fields } = zodFields(r.error);
  throw new HttpError(400, `Invalid request ${what}: ${summary}`, fields);
}

export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (Object.hasOwn(out, k)) throw new HttpError(400, `Invalid request query: parameter "${k}" given more than once`);
    out[k] = v;
  }
  return out;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Reads a JSON request body: 415 unless Content-Type is application/json (utf-8), 413 past `limit` bytes,
 * 400 for empty, non-UTF-8 or malformed JSON, or prototype-polluting keys.
 * `allowEmpty` returns undefined for an empty body (endpoints that take none).
 */
export async function readJsonBody(req: IncomingMessage, limit: number, allowEmpty = false): Promise<unknown> {
  const declared = req.headers["content-length"];
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && Number.isFinite(length) && length > limit) {
    throw new HttpError(413, `Request body too large: at most ${limit} bytes`);
  }
  const type = req.headers["content-type"];
  if (allowEmpty && (length === 0 || (length === undefined && !req.headers["transfer-encoding"]))) {
    req.resume();
    return undefined;
  }
  checkContentType(type);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `Request body too large: at most ${limit} bytes`);
    chunks.push(chunk);
  }
  const buf = Buffer.concat(chunks);
  if (buf.length === 0) {
    if (allowEmpty) return undefined;
    throw new HttpError(400, "Request body is empty: expected a JSON object");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new HttpError(400, "Request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new HttpError(400, `Request body contains the forbidden key "${key}"`);
      return value;
    });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, `Malformed JSON in request body: ${(err as Error).message.slice(0, 200)}`);
  }
}

function checkContentType(type: string | undefined): void {
  if (!type) throw new HttpError(415, "Content-Type must be application/json");
  const [media, ...params] = type.split(";").map((s) => s.trim().toLowerCase());
  if (media !== "application/json") throw new HttpError(415, "Content-Type must be application/json");
  for (const p of params) {
    const [name, value] = p.split("=").map((s) => s.trim().replace(/^"|"$/g, ""));
    if (name === "charset" && value !== "utf-8" && value !== "utf8") {
      throw new HttpError(415, "Content-Type charset must be utf-8");
    }
  }
}
