// Live trading on Polymarket: the configuration, checked before anything connects, under the same rules
// as the Hyperliquid one (live-config.ts): the network named, plain http only on this machine, the signing
// key and the optional L2 credentials from the environment or files readable by their owner only (0600),
// the well-known test keys refused anywhere but on this machine, and nothing here ever printing a secret.
import { readFileSync, statSync } from "node:fs";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { ConfigError } from "./web-config";
import { isLoopbackUrl, secureUrlSchema } from "./venue-url";

export interface PolymarketLiveConfig {
  venue: "polymarket";
  network: "mainnet" | "testnet";
  chainId: 137 | 80002;
  url: string | undefined;
  wsUrl: string | undefined;
  /** A label for the token quoted (dashboard, strategy name). */
  symbol: string;
  tokenId: string;
  conditionId: string | undefined;
  /** The signer's address (derived from the key). */
  walletAddress: string;
  /** Never logged, stored or sent anywhere but into the signer. */
  privateKey: string;
  keySource: "env" | "file";
  /** L2 credentials, when given; otherwise derived from the key at start. Never logged. */
  creds: { key: string; secret: string; passphrase: string } | undefined;
  signatureType: 0 | 1 | 2 | 3;
  funderAddress: string | undefined;
  /** Heartbeat period for the venue's dead-man (0 = off; at most 5000, the venue cancels after 10 s). */
  deadmanMs: number;
  /** The binary market as one strategy: its NO token quoted beside the YES token, and merges (server/runner/pair.ts). */
  pair: PolymarketPairConfig | undefined;
}

export interface PolymarketPairConfig {
  noTokenId: string;
  noSymbol: string;
  /** Polygon JSON-RPC for balances and merges; undefined: merges are proposed but cannot be executed. */
  rpcUrl: string | undefined;
  /** Merge without an operator as soon as a merge is proposed (and safe). */
  autoMerge: boolean;
}

const PUBLIC_TEST_KEYS = new Set([
  "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
]);
const envSchema = z.object({
  SKEWDESK_VENUE_NETWORK: z.enum(["mainnet", "testnet"], { error: () => 'must be "mainnet" (Polygon) or "testnet" (Amoy): no default, say which' }),
  SKEWDESK_VENUE_URL: secureUrlSchema("https:", "http:"),
  SKEWDESK_VENUE_WS_URL: secureUrlSchema("wss:", "ws:"),
  SKEWDESK_POLYMARKET_TOKEN_ID: z.string().trim().regex(/^\d{1,78}$/, "the outcome token's id (decimal digits), from the market's clobTokenIds"),
  SKEWDESK_POLYMARKET_CONDITION_ID: z.string().trim().regex(/^0x[0-9a-fA-F]{64}$/, "the market's condition id, 0x and 64 hex digits").optional(),
  SKEWDESK_VENUE_SYMBOL: z.string().trim().min(1).max(64).optional(),
  SKEWDESK_POLYMARKET_KEY: z.string().optional(),
  SKEWDESK_POLYMARKET_KEY_FILE: z.string().optional(),
  SKEWDESK_POLYMARKET_CREDS_FILE: z.string().optional(),
  SKEWDESK_POLYMARKET_SIGNATURE_TYPE: z.coerce.number().int().min(0).max(3).default(0),
  SKEWDESK_POLYMARKET_FUNDER: z.string().trim().regex(/^0x[0-9a-fA-F]{40}$/, "the funding (proxy or deposit) wallet's address").optional(),
  SKEWDESK_POLYMARKET_NO_TOKEN_ID: z.string().trim().regex(/^\d{1,78}$/, "the market's other outcome token id (decimal digits), from clobTokenIds").optional(),
  SKEWDESK_POLYMARKET_NO_SYMBOL: z.string().trim().min(1).max(64).optional(),
  SKEWDESK_POLYMARKET_RPC_URL: secureUrlSchema("https:", "http:"),
  SKEWDESK_POLYMARKET_AUTO_MERGE: z.enum(["0", "1", "false", "true"], { error: () => 'must be "1"/"true" (merge without an operator) or "0"/"false"' }).default("0"),
  SKEWDESK_DEADMAN_MS: z.coerce.number().int().refine((v) => v === 0 || (v >= 500 && v <= 5_000), "0 (off) or 500–5000 ms between heartbeats (the venue cancels everything after 10 s without one)").default(5_000),
});

const credsSchema = z.object({ key: z.string().min(1), secret: z.string().min(1), passphrase: z.string().min(1) }, { error: () => 'must be JSON {"key", "secret", "passphrase"}' });

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

/** Reads and checks the Polymarket live configuration; throws ConfigError naming the variable (never echoing a secret). */
export function polymarketConfigFromEnv(env: Record<string, string | undefined>): PolymarketLiveConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid live configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join(".") || "env"}: ${i.message}`).join("\n")}`);
  const e = parsed.data;
  if (e.SKEWDESK_POLYMARKET_KEY && e.SKEWDESK_POLYMARKET_KEY_FILE) throw new ConfigError("Set SKEWDESK_POLYMARKET_KEY or SKEWDESK_POLYMARKET_KEY_FILE, not both");
  const fromFile = !!e.SKEWDESK_POLYMARKET_KEY_FILE;
  const where = fromFile ? "SKEWDESK_POLYMARKET_KEY_FILE" : "SKEWDESK_POLYMARKET_KEY";
  const raw = fromFile ? readSecretFile(where, e.SKEWDESK_POLYMARKET_KEY_FILE!) : (e.SKEWDESK_POLYMARKET_KEY ?? "").trim();
  if (!raw) throw new ConfigError("Live mode on Polymarket needs the signing key: SKEWDESK_POLYMARKET_KEY_FILE (a 0600 file) or SKEWDESK_POLYMARKET_KEY");
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(raw)) throw new ConfigError(`${where}: not a private key (expected 64 hex digits, optionally 0x-prefixed)`);
  const key = raw.toLowerCase().replace(/^0x/, "");
  const local = e.SKEWDESK_VENUE_URL !== undefined && isLoopbackUrl(new URL(e.SKEWDESK_VENUE_URL));
  if (PUBLIC_TEST_KEYS.has(key) && !local) throw new ConfigError(`${where}: this is a publicly known test key; it is accepted only against a venue on this machine`);
  let creds: PolymarketLiveConfig["creds"];
  if (e.SKEWDESK_POLYMARKET_CREDS_FILE) {
    let json: unknown;
    try {
      json = JSON.parse(readSecretFile("SKEWDESK_POLYMARKET_CREDS_FILE", e.SKEWDESK_POLYMARKET_CREDS_FILE));
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError('SKEWDESK_POLYMARKET_CREDS_FILE: not JSON (expected {"key", "secret", "passphrase"})');
    }
    const c = credsSchema.safeParse(json);
    if (!c.success) throw new ConfigError(`SKEWDESK_POLYMARKET_CREDS_FILE: ${c.error.issues[0]?.message ?? "invalid"}`);
    creds = c.data;
  }
  let pair: PolymarketPairConfig | undefined;
  if (e.SKEWDESK_POLYMARKET_NO_TOKEN_ID) {
    if (e.SKEWDESK_POLYMARKET_NO_TOKEN_ID === e.SKEWDESK_POLYMARKET_TOKEN_ID) throw new ConfigError("SKEWDESK_POLYMARKET_NO_TOKEN_ID: the same token as SKEWDESK_POLYMARKET_TOKEN_ID; give the market's other outcome");
    if (!e.SKEWDESK_POLYMARKET_CONDITION_ID) throw new ConfigError("SKEWDESK_POLYMARKET_CONDITION_ID: a YES/NO pair needs the market's condition id (merges name it)");
    const yes = e.SKEWDESK_VENUE_SYMBOL ?? `PM-${e.SKEWDESK_POLYMARKET_TOKEN_ID.slice(0, 10)}`;
    pair = {
      noTokenId: e.SKEWDESK_POLYMARKET_NO_TOKEN_ID,
      noSymbol: e.SKEWDESK_POLYMARKET_NO_SYMBOL ?? (yes.includes("/") ? `${yes.slice(0, yes.lastIndexOf("/"))}/NO` : `${yes}-NO`),
      rpcUrl: e.SKEWDESK_POLYMARKET_RPC_URL,
      autoMerge: e.SKEWDESK_POLYMARKET_AUTO_MERGE === "1" || e.SKEWDESK_POLYMARKET_AUTO_MERGE === "true",
    };
  } else if (e.SKEWDESK_POLYMARKET_RPC_URL || e.SKEWDESK_POLYMARKET_AUTO_MERGE !== "0") throw new ConfigError("SKEWDESK_POLYMARKET_RPC_URL and SKEWDESK_POLYMARKET_AUTO_MERGE are for a YES/NO pair: set SKEWDESK_POLYMARKET_NO_TOKEN_ID too");
  const walletAddress = privateKeyToAccount(`0x${key}`).address.toLowerCase();
  return {
    venue: "polymarket",
    network: e.SKEWDESK_VENUE_NETWORK,
    chainId: e.SKEWDESK_VENUE_NETWORK === "mainnet" ? 137 : 80002,
    url: e.SKEWDESK_VENUE_URL,
    wsUrl: e.SKEWDESK_VENUE_WS_URL,
    symbol: e.SKEWDESK_VENUE_SYMBOL ?? `PM-${e.SKEWDESK_POLYMARKET_TOKEN_ID.slice(0, 10)}`,
    tokenId: e.SKEWDESK_POLYMARKET_TOKEN_ID,
    conditionId: e.SKEWDESK_POLYMARKET_CONDITION_ID?.toLowerCase(),
    walletAddress,
    privateKey: `0x${key}`,
    keySource: fromFile ? "file" : "env",
    creds,
    signatureType: e.SKEWDESK_POLYMARKET_SIGNATURE_TYPE as 0 | 1 | 2 | 3,
    funderAddress: e.SKEWDESK_POLYMARKET_FUNDER?.toLowerCase(),
    deadmanMs: e.SKEWDESK_DEADMAN_MS,
    pair,
  };
}
