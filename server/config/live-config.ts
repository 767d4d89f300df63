// Live trading's configuration, checked before anything connects: which venue, which network, which
// market, where the venue is, and the credentials. Made hard to get wrong:
// - the network must be named (no default between real money and testnet);
// - a plain-text venue URL (http://, ws://) is accepted only on this machine (a local fake);
// - the signing key comes from the environment or a file readable by its owner only (0600), is checked
//   for shape, and the well-known test keys are refused anywhere but on this machine;
// - nothing here ever prints the key: `describeLive` is what logs may show.
import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { ccxtConfigFromEnv, type CcxtLiveConfig } from "./ccxt-config";
import { polymarketConfigFromEnv, type PolymarketLiveConfig } from "./polymarket-config";
import { ConfigError } from "./web-config";
import { isLoopbackUrl, secureUrlSchema } from "./venue-url";

export type LiveConfig = HyperliquidLiveConfig | PolymarketLiveConfig | CcxtLiveConfig;

export interface HyperliquidLiveConfig {
  venue: "hyperliquid";
  network: "mainnet" | "testnet";
  /** REST base; undefined = the venue's own for the network. */
  url: string | undefined;
  symbol: string;
  walletAddress: string;
  /** Never logged, stored or sent anywhere but into the signer. */
  privateKey: string;
  keySource: "env" | "file";
  /** Dead-man switch, ms ahead (0 = off). */
  deadmanMs: number;
}

/** Keys published in tooling docs (Hardhat/Anvil accounts 0–2): anyone can sign with them. */
const PUBLIC_TEST_KEYS = new Set([
  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
]);

const liveEnvSchema = z.object({
  SKEWDESK_VENUE: z.enum(["hyperliquid"], { error: () => 'must be "hyperliquid", "polymarket" or "ccxt:<exchange id>" (the live venues of this build)' }),
  SKEWDESK_VENUE_NETWORK: z.enum(["mainnet", "testnet"], { error: () => 'must be "mainnet" or "testnet" (no default: say which)' }),
  SKEWDESK_VENUE_URL: secureUrlSchema("https:", "http:", "must be an https:// URL (http:// only for 127.0.0.1 / localhost)"),
  SKEWDESK_VENUE_SYMBOL: z.string().trim().min(1, "required in live mode, e.g. ETH/USDC:USDC"),
  SKEWDESK_HYPERLIQUID_WALLET: z
    .string()
    .trim()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be the account's address, 0x and 40 hex digits"),
  SKEWDESK_HYPERLIQUID_KEY: z.string().optional(),
  SKEWDESK_HYPERLIQUID_KEY_FILE: z.string().optional(),
  SKEWDESK_DEADMAN_MS: z.coerce.number().int().refine((v) => v === 0 || (v >= 6_000 && v <= 86_400_000), "0 (off) or 6000–86400000 ms").default(60_000),
});

const KEY_RE = /^(0x)?[0-9a-fA-F]{64}$/;

function readKeyFile(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ConfigError(`SKEWDESK_HYPERLIQUID_KEY_FILE: cannot read ${path}`);
  }
  if ((st.mode & 0o077) !== 0) throw new ConfigError(`SKEWDESK_HYPERLIQUID_KEY_FILE: ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  if (typeof process.getuid === "function" && st.uid !== process.getuid()) throw new ConfigError(`SKEWDESK_HYPERLIQUID_KEY_FILE: ${path} is not owned by the user running the desk`);
  return readFileSync(path, "utf8").trim();
}

/** Reads and checks the live configuration; throws ConfigError naming the variable (never echoing a key). */
export function liveConfigFromEnv(env: Record<string, string | undefined>): LiveConfig {
  if (env.SKEWDESK_VENUE?.trim() === "polymarket") return polymarketConfigFromEnv(env);
  if (env.SKEWDESK_VENUE?.trim().startsWith("ccxt:")) return ccxtConfigFromEnv(env);
  const parsed = liveEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "env"}: ${i.message}`);
    throw new ConfigError(`Invalid live configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.SKEWDESK_HYPERLIQUID_KEY && e.SKEWDESK_HYPERLIQUID_KEY_FILE) throw new ConfigError("Set SKEWDESK_HYPERLIQUID_KEY or SKEWDESK_HYPERLIQUID_KEY_FILE, not both");
  const fromFile = !!e.SKEWDESK_HYPERLIQUID_KEY_FILE;
  const raw = fromFile ? readKeyFile(e.SKEWDESK_HYPERLIQUID_KEY_FILE!) : (e.SKEWDESK_HYPERLIQUID_KEY ?? "").trim();
  const where = fromFile ? "SKEWDESK_HYPERLIQUID_KEY_FILE" : "SKEWDESK_HYPERLIQUID_KEY";
  if (!raw) throw new ConfigError("Live mode needs a signing key: SKEWDESK_HYPERLIQUID_KEY_FILE (a 0600 file; prefer an agent/API wallet key) or SKEWDESK_HYPERLIQUID_KEY");
  if (!KEY_RE.test(raw)) throw new ConfigError(`${where}: not a private key (expected 64 hex digits, optionally 0x-prefixed)`);
  const key = raw.toLowerCase().replace(/^0x/, "");
  const local = e.SKEWDESK_VENUE_URL !== undefined && isLoopbackUrl(new URL(e.SKEWDESK_VENUE_URL));
  if (PUBLIC_TEST_KEYS.has(key) && !local) throw new ConfigError(`${where}: this is a publicly known test key; it is accepted only against a venue on this machine`);
  return {
    venue: e.SKEWDESK_VENUE,
    network: e.SKEWDESK_VENUE_NETWORK,
    url: e.SKEWDESK_VENUE_URL,
    symbol: e.SKEWDESK_VENUE_SYMBOL,
    walletAddress: e.SKEWDESK_HYPERLIQUID_WALLET.toLowerCase(),
    privateKey: `0x${key}`,
    keySource: fromFile ? "file" : "env",
    deadmanMs: e.SKEWDESK_DEADMAN_MS,
  };
}

/** What a log line may say about the live configuration. */
export function describeLive(c: LiveConfig): string {
  return `${c.venue} ${c.network}${c.url ? ` at ${c.url}` : ""}, ${c.symbol}, account ${c.walletAddress}, key from ${c.keySource === "file" ? "a 0600 file" : "the environment"}, dead-man ${c.deadmanMs ? `${c.deadmanMs} ms` : "off"}${"pair" in c && c.pair ? `, paired with ${c.pair.noSymbol} (merges ${c.pair.rpcUrl ? (c.pair.autoMerge ? "automatic" : "by an operator") : "proposed only: no RPC"})` : ""}`;
}

/** Environment variables that hold secrets: never copied into logs, run records or answers. */
export const SECRET_ENV = ["SKEWDESK_HYPERLIQUID_KEY", "SKEWDESK_POLYMARKET_KEY", "SKEWDESK_CCXT_SECRET", "SKEWDESK_CCXT_API_KEY", "SKEWDESK_AUTH_SECRET", "SKEWDESK_OPERATOR_PASSWORD", "SKEWDESK_VIEWER_PASSWORD"] as const;
