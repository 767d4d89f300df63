// Live configuration refusals: each mistake stops the start with a message naming the variable, and no
// message ever echoes the key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@/server/config/web-config";
import { describeLive, liveConfigFromEnv } from "@/server/config/live-config";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const base = {
  SKEWDESK_VENUE: "hyperliquid",
  SKEWDESK_VENUE_NETWORK: "testnet",
  SKEWDESK_VENUE_SYMBOL: "ETH/USDC:USDC",
  SKEWDESK_HYPERLIQUID_WALLET: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
  SKEWDESK_HYPERLIQUID_KEY: KEY,
};

function refused(env: Record<string, string | undefined>, pattern: RegExp): void {
  assert.throws(() => liveConfigFromEnv(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, pattern);
    assert.ok(!e.message.toLowerCase().includes(KEY.slice(2)), "the key is never echoed");
    return true;
  });
}

test("live config: a complete configuration is accepted and described without its key", () => {
  const c = liveConfigFromEnv(base);
  assert.equal(c.network, "testnet");
  assert.equal(c.privateKey, KEY);
  assert.equal(c.walletAddress, base.SKEWDESK_HYPERLIQUID_WALLET.toLowerCase());
  assert.ok(!describeLive(c).includes(KEY.slice(2)));
});

test("live config: each mistake is refused, naming the variable", () => {
  refused({ ...base, SKEWDESK_VENUE_NETWORK: undefined }, /SKEWDESK_VENUE_NETWORK: must be "mainnet" or "testnet"/);
  refused({ ...base, SKEWDESK_VENUE: "binance" }, /SKEWDESK_VENUE/);
  refused({ ...base, SKEWDESK_VENUE_SYMBOL: "" }, /SKEWDESK_VENUE_SYMBOL/);
  refused({ ...base, SKEWDESK_VENUE_URL: "http://venue.example.com" }, /SKEWDESK_VENUE_URL: must be an https/);
  refused({ ...base, SKEWDESK_HYPERLIQUID_WALLET: "0x1234" }, /SKEWDESK_HYPERLIQUID_WALLET/);
  refused({ ...base, SKEWDESK_HYPERLIQUID_KEY: undefined }, /needs a signing key/);
  refused({ ...base, SKEWDESK_HYPERLIQUID_KEY: KEY.slice(0, 40) }, /SKEWDESK_HYPERLIQUID_KEY: not a private key/);
  refused({ ...base, SKEWDESK_HYPERLIQUID_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" }, /publicly known test key/);
  refused({ ...base, SKEWDESK_DEADMAN_MS: "3000" }, /SKEWDESK_DEADMAN_MS/);
  // The well-known key is fine against a fake on this machine.
  assert.equal(liveConfigFromEnv({ ...base, SKEWDESK_VENUE_URL: "http://127.0.0.1:8787", SKEWDESK_HYPERLIQUID_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" }).keySource, "env");
});

test("live config: the key file must be readable by its owner only", () => {
  const dir = mkdtempSync(join(tmpdir(), "skewdesk-key-"));
  const file = join(dir, "key");
  writeFileSync(file, `${KEY}\n`);
  chmodSync(file, 0o644);
  const env = { ...base, SKEWDESK_HYPERLIQUID_KEY: undefined, SKEWDESK_HYPERLIQUID_KEY_FILE: file };
  refused(env, /readable by others \(mode 644\); chmod 600/);
  chmodSync(file, 0o600);
  assert.equal(liveConfigFromEnv(env).keySource, "file");
  refused({ ...env, SKEWDESK_HYPERLIQUID_KEY: KEY }, /not both/);
});
