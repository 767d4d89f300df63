// Live trading on a centralized exchange through ccxt (SKEWDESK_VENUE=ccxt:<exchange id>, e.g. ccxt:binance):
// checked before anything connects, under the same rules as the other venues: the network named (testnet =
// the exchange's sandbox), plain http/ws only on this machine (a local fake), the API secret from the
// environment or a file readable by its owner only (0600), and nothing here ever printing a secret.
import { readFileSync, statSync } from "node:fs";
import Decimal from "decimal.js";
import { z } from "zod";
import { ConfigError } from "./web-config";
import { secureUrlSchema } from "./venue-url";

export interface CcxtLiveConfig {
  venue: `ccxt:${string}`;
  exchangeId: string;
  network: "mainnet" | "testnet";
  url: string | undefined;
  wsUrl: string | undefined;
  /** ccxt's unified spot symbol, "ETH/USDT". */
  symbol: string;
  /** A label for logs only (no part of the key is ever shown). */
  walletAddress: string;
  /** Never logged, stored or sent anywhere but into ccxt's signer (and the watchdog process, over IPC). */
  apiKey: string;
  secret: string;
  password: string | undefined;
  /** An exchange account has no signing key of its own (API key + secret instead). */
  privateKey?: undefined;
  keySource: "env" | "file";
  /** Dead-man, ms (0 = off): the exchange's countdown, or our watchdog process where it has none. */
  deadmanMs: number;
  /**
   * Base asset the account holds that the desk does not manage (SKEWDESK_CCXT_BASE_RESERVE): the desk's
   * inventory is what it holds beyond this, so holding exactly the reserve is flat.
   */
  baseReserve: Decimal;
}

const envSchema = z.object({
  SKEWDESK_VENUE: z.string().trim().regex(/^ccxt:[a-z0-9]+$/, 'must be "ccxt:<exchange id>", e.g. ccxt:binance'),
  SKEWDESK_VENUE_NETWORK: z.enum(["mainnet", "testnet"], { error: () => 'must be "mainnet" or "testnet" (the exchange\'s sandbox): no default, say which' }),
  SKEWDESK_VENUE_URL: secureUrlSchema("https:", "http:"),
  SKEWDESK_VENUE_WS_URL: secureUrlSchema("wss:", "ws:"),
  SKEWDESK_VENUE_SYMBOL: z.string().trim().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, "a ccxt spot symbol, e.g. ETH/USDT"),
  SKEWDESK_CCXT_API_KEY: z.string().trim().min(8, "the exchange API key"),
  SKEWDESK_CCXT_SECRET: z.string().optional(),
  SKEWDESK_CCXT_SECRET_FILE: z.string().optional(),
  SKEWDESK_CCXT_PASSWORD_FILE: z.string().optional(),
  SKEWDESK_CCXT_BASE_RESERVE: z
    .string()
    .trim()
    .regex(/^\d{1,15}(\.\d{1,18})?$/, "an amount of the base asset, e.g. 1.5 (what the account holds that the desk leaves alone)")
    .default("0"),
  SKEWDESK_DEADMAN_MS: z.coerce.number().int().refine((v) => v === 0 || (v >= 1_000 && v <= 600_000), "0 (off) or 1000–600000 ms").default(30_000),
});

function readSecretFile(variable: string, path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ConfigError(`${variable}: cannot read ${path}`);
  }
  if ((st.mode & 0o077) !== 0) throw new ConfigError(`${variable}: ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  if (typeof process.getuid === "function" && st.uid !== process.getuid()) throw new ConfigError(`${variable}: ${path} is not owned by the user running the desk`);
  return readFileSync(path, "utf8").trim();
}

/** Reads and checks a ccxt exchange's live configuration; throws ConfigError naming the variable (never echoing a secret). */
export function ccxtConfigFromEnv(env: Record<string, string | undefined>): CcxtLiveConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid live configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join(".") || "env"}: ${i.message}`).join("\n")}`);
  const e = parsed.data;
  const exchangeId = e.SKEWDESK_VENUE.slice("ccxt:".length);
  // Whether ccxt offers it is checked when the venue opens (loading ccxt here would slow every start).
  if (e.SKEWDESK_CCXT_SECRET && e.SKEWDESK_CCXT_SECRET_FILE) throw new ConfigError("Set SKEWDESK_CCXT_SECRET or SKEWDESK_CCXT_SECRET_FILE, not both");
  const fromFile = !!e.SKEWDESK_CCXT_SECRET_FILE;
  const secret = fromFile ? readSecretFile("SKEWDESK_CCXT_SECRET_FILE", e.SKEWDESK_CCXT_SECRET_FILE!) : (e.SKEWDESK_CCXT_SECRET ?? "").trim();
  if (!secret) throw new ConfigError("Live mode on a ccxt exchange needs the API secret: SKEWDESK_CCXT_SECRET_FILE (a 0600 file) or SKEWDESK_CCXT_SECRET");
  const password = e.SKEWDESK_CCXT_PASSWORD_FILE ? readSecretFile("SKEWDESK_CCXT_PASSWORD_FILE", e.SKEWDESK_CCXT_PASSWORD_FILE) : undefined;
  return {
    venue: `ccxt:${exchangeId}`,
    exchangeId,
    network: e.SKEWDESK_VENUE_NETWORK,
    url: e.SKEWDESK_VENUE_URL,
    wsUrl: e.SKEWDESK_VENUE_WS_URL,
    symbol: e.SKEWDESK_VENUE_SYMBOL,
    walletAddress: `${exchangeId} API key`,
    apiKey: e.SKEWDESK_CCXT_API_KEY,
    secret,
    password,
    keySource: fromFile ? "file" : "env",
    deadmanMs: e.SKEWDESK_DEADMAN_MS,
    baseReserve: new Decimal(e.SKEWDESK_CCXT_BASE_RESERVE),
  };
}
