// Polymarket's live configuration: SKEWDESK_VENUE=polymarket is read by its own rules, each mistake stops the
// start naming the variable, and no message or description ever echoes the key or the L2 secret.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@/server/config/web-config";
import { describeLive, liveConfigFromEnv } from "@/server/config/live-config";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const TOKEN = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const base = { SKEWDESK_VENUE: "polymarket", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_POLYMARKET_TOKEN_ID: TOKEN, SKEWDESK_POLYMARKET_KEY: KEY };

function refused(env: Record<string, string | undefined>, pattern: RegExp): void {
  assert.throws(() => liveConfigFromEnv(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, pattern);
    assert.ok(!e.message.toLowerCase().includes(KEY.slice(2)), "the key is never echoed");
    return true;
  });
}

test("polymarket config: a complete configuration is accepted, the address derived, described without secrets", () => {
  const c = liveConfigFromEnv(base);
  assert.equal(c.venue, "polymarket");
  if (c.venue !== "polymarket") return;
  assert.equal(c.chainId, 137);
  assert.equal(c.tokenId, TOKEN);
  assert.equal(c.walletAddress, "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  assert.equal(c.deadmanMs, 5_000, "heartbeats every 5 s by default");
  assert.equal(c.creds, undefined, "derived at start when not given");
  assert.ok(!describeLive(c).includes(KEY.slice(2)));
  assert.equal((liveConfigFromEnv({ ...base, SKEWDESK_VENUE_NETWORK: "testnet" }) as { chainId: number }).chainId, 80002);
});

test("polymarket config: each mistake is refused, naming the variable", () => {
  refused({ ...base, SKEWDESK_VENUE_NETWORK: undefined }, /SKEWDESK_VENUE_NETWORK/);
  refused({ ...base, SKEWDESK_POLYMARKET_TOKEN_ID: "0xabc" }, /SKEWDESK_POLYMARKET_TOKEN_ID/);
  refused({ ...base, SKEWDESK_POLYMARKET_KEY: undefined }, /needs the signing key/);
  refused({ ...base, SKEWDESK_POLYMARKET_KEY: "0x1234" }, /SKEWDESK_POLYMARKET_KEY: not a private key/);
  refused({ ...base, SKEWDESK_VENUE_URL: "http://clob.example.com" }, /SKEWDESK_VENUE_URL/);
  refused({ ...base, SKEWDESK_DEADMAN_MS: "8000" }, /SKEWDESK_DEADMAN_MS: 0 \(off\) or 500–5000/);
  refused({ ...base, SKEWDESK_POLYMARKET_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" }, /publicly known test key/);
  assert.equal(liveConfigFromEnv({ ...base, SKEWDESK_VENUE_URL: "http://127.0.0.1:8788", SKEWDESK_POLYMARKET_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" }).venue, "polymarket", "the test key against a local fake");
});

test("polymarket config: key and L2 credentials files must be 0600; a bad credentials file is named, never echoed", () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-pmcfg-"));
  const keyFile = join(dir, "key");
  writeFileSync(keyFile, KEY);
  chmodSync(keyFile, 0o644);
  refused({ ...base, SKEWDESK_POLYMARKET_KEY: undefined, SKEWDESK_POLYMARKET_KEY_FILE: keyFile }, /readable by others.*chmod 600/);
  chmodSync(keyFile, 0o600);
  const creds = join(dir, "creds.json");
  writeFileSync(creds, JSON.stringify({ key: "k", secret: "s3cr3t-value", passphrase: "p" }));
  chmodSync(creds, 0o600);
  const c = liveConfigFromEnv({ ...base, SKEWDESK_POLYMARKET_KEY: undefined, SKEWDESK_POLYMARKET_KEY_FILE: keyFile, SKEWDESK_POLYMARKET_CREDS_FILE: creds });
  assert.equal(c.keySource, "file");
  assert.deepEqual((c as { creds: unknown }).creds, { key: "k", secret: "s3cr3t-value", passphrase: "p" });
  assert.ok(!describeLive(c).includes("s3cr3t"));
  writeFileSync(creds, JSON.stringify({ key: "k", secret: "s3cr3t-value" }));
  assert.throws(() => liveConfigFromEnv({ ...base, SKEWDESK_POLYMARKET_CREDS_FILE: creds }), (e: unknown) => e instanceof ConfigError && /SKEWDESK_POLYMARKET_CREDS_FILE/.test(e.message) && !e.message.includes("s3cr3t"));
});
