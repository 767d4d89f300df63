// One ccxt.pro exchange instance for any exchange id, pointed where the configuration says. ccxt signs,
// rounds and transports; nothing here changes what it sends except where it goes:
// - URL overrides (a local fake, a regional endpoint) rewrite the scheme and host of every REST (https)
//   and WebSocket (wss) URL in `urls.api`, keeping each path, so one setting covers all of an exchange's
//   routes (Binance: /api/v3 REST, /ws market streams, /ws-api/v3 user data).
// - Market loading is narrowed to spot (no margin, futures or currency calls at start: they need other
//   permissions and answer nothing a spot desk uses).
import { pro, type Exchange } from "ccxt";

export interface ClientConfig {
  exchangeId: string;
  apiKey: string;
  secret: string;
  /** Some exchanges need a third credential (OKX, KuCoin: the passphrase). */
  password?: string;
  /** Origin replacing every https:// API host, e.g. http://127.0.0.1:9100 (a local fake). */
  restUrl?: string;
  /** Origin replacing every wss:// API host, e.g. ws://127.0.0.1:9100. */
  wsUrl?: string;
  sandbox?: boolean;
  timeoutMs: number;
}

/** The exchange ids this ccxt build offers with WebSocket support. */
export function proExchangeIds(): string[] {
  return Object.keys(pro).filter((k) => typeof (pro as unknown as Record<string, unknown>)[k] === "function" && /^[a-z0-9]+$/.test(k) && k !== "exchanges");
}

function rewrite(value: unknown, rest: string | undefined, ws: string | undefined): unknown {
  if (typeof value === "string") {
    if (rest && /^https:\/\//.test(value)) return value.replace(/^https:\/\/[^/]+/, rest);
    if (ws && /^wss:\/\//.test(value)) return value.replace(/^wss:\/\/[^/]+/, ws);
    return value;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, rewrite(v, rest, ws)]));
  }
  return value;
}

export function createClient(cfg: ClientConfig): Exchange {
  const Ctor = (pro as unknown as Record<string, (new (c: Record<string, unknown>) => Exchange) | undefined>)[cfg.exchangeId];
  if (typeof Ctor !== "function") throw new Error(`ccxt has no exchange "${cfg.exchangeId}" with WebSocket support`);
  const ex = new Ctor({
    apiKey: cfg.apiKey,
    secret: cfg.secret,
    ...(cfg.password ? { password: cfg.password } : {}),
    timeout: cfg.timeoutMs,
    enableRateLimit: true,
    // Retry-After of a 429 is read from the last answer's headers (calls.ts).
    enableLastResponseHeaders: true,
    options: {
      defaultType: "spot",
      fetchMarkets: { types: ["spot"] },
      fetchCurrencies: false,
      fetchMargins: false,
    },
  });
  if (cfg.sandbox) ex.setSandboxMode(true);
  const urls = ex.urls as Record<string, unknown>;
  urls.api = rewrite(urls.api, cfg.restUrl?.replace(/\/+$/, ""), cfg.wsUrl?.replace(/\/+$/, ""));
  return ex;
}
