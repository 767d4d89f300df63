// Request authentication of the fake Binance, written from Binance's published rules with node:crypto
// (never with ccxt, which signs the requests under test): the API key in X-MBX-APIKEY, and
// signature = hex(HMAC-SHA256(secret, totalParams)) where totalParams is the query string followed by the
// request body exactly as sent, without the signature parameter; the timestamp within recvWindow.
import { createHmac, timingSafeEqual } from "node:crypto";
import { BinanceError } from "./engine";

export interface ApiKey {
  key: string;
  secret: string;
  user: string;
}

/** Splits "a=1&b=2&signature=x" into the signed part and the signature (the signature must come last). */
function splitSignature(total: string): { signed: string; signature: string | undefined } {
  const m = /^(.*)&signature=([^&]*)$/.exec(total);
  if (!m) return { signed: total, signature: undefined };
  return { signed: m[1]!, signature: decodeURIComponent(m[2]!) };
}

/** The user of a signed request, or the venue's error for it. */
export function authenticate(keys: Map<string, ApiKey>, apiKey: string | undefined, query: string, body: string, now: number): { user: string; params: URLSearchParams } {
  if (!apiKey) throw new BinanceError(-2014, "API-key format invalid.", 401);
  const k = keys.get(apiKey);
  if (!k) throw new BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401);
  const total = query && body ? `${query}${body}` : query || body;
  const { signed, signature } = splitSignature(total);
  if (!signature) throw new BinanceError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const expected = createHmac("sha256", k.secret).update(signed).digest("hex");
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new BinanceError(-1022, "Signature for this request is not valid.");
  const params = new URLSearchParams(signed);
  const ts = Number(params.get("timestamp"));
  const recvWindow = Number(params.get("recvWindow") ?? 5_000);
  if (!Number.isFinite(ts) || ts < now - recvWindow || ts > now + 1_000) throw new BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.");
  return { user: k.user, params };
}

/** The WebSocket API's signature: HMAC over the params (apiKey included) sorted by key, as key=value&… */
export function authenticateWsParams(keys: Map<string, ApiKey>, params: Record<string, unknown>, now: number): string {
  const apiKey = String(params.apiKey ?? "");
  const k = keys.get(apiKey);
  if (!k) throw new BinanceError(-2015, "Invalid API-key, IP, or permissions for action.", 401);
  const payload = Object.keys(params)
    .filter((x) => x !== "signature")
    .sort()
    .map((x) => `${x}=${String(params[x])}`)
    .join("&");
  const expected = createHmac("sha256", k.secret).update(payload).digest("hex");
  if (expected !== String(params.signature ?? "")) throw new BinanceError(-1022, "Signature for this request is not valid.");
  const ts = Number(params.timestamp);
  const recvWindow = Number(params.recvWindow ?? 5_000);
  if (!Number.isFinite(ts) || ts < now - recvWindow || ts > now + 1_000) throw new BinanceError(-1021, "Timestamp for this request is outside of the recvWindow.");
  return k.user;
}
