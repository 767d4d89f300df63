// Live configuration of a ccxt exchange (SKEWDESK_VENUE=ccxt:<id>): accepted when complete, described
// without any part of the key or secret; each mistake refused with a message naming the variable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@/server/config/web-config";
import { describeLive, liveConfigFromEnv } from "@/server/config/live-config";

const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const base = { SKEWDESK_VENUE: "ccxt:binance", SKEWDESK_VENUE_NETWORK: "mainnet", SKEWDESK_VENUE_SYMBOL: "ETH/USDT", SKEWDESK_CCXT_API_KEY: API_KEY };

function secretFile(mode: number): string {
  const p = join(mkdtempSync(join(tmpdir(), "skewdesk-ccxt-")), "secret");
  writeFileSync(p, `${SECRET}\n`);
  chmodSync(p, mode);
  return p;
}

function refused(env: Record<string, string | undefined>, pattern: RegExp): void {
  assert.throws(() => liveConfigFromEnv(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes(SECRET) && !e.message.includes(API_KEY), "no secret echoed");
    return true;
  });
}

test("ccxt config: a complete configuration (secret from a 0600 file) is accepted and described without key or secret", () => {
  const c = liveConfigFromEnv({ ...base, SKEWDESK_CCXT_SECRET_FILE: secretFile(0o600) });
  assert.ok("exchangeId" in c);
  assert.equal(c.venue, "ccxt:binance");
  assert.equal(c.exchangeId, "binance");
  assert.equal(c.secret, SECRET);
  assert.equal(c.keySource, "file");
  const d = describeLive(c);
  assert.ok(!d.includes(SECRET) && !d.includes(API_KEY.slice(0, 6)), d);
  assert.match(d, /ccxt:binance mainnet, ETH\/USDT/);
});

test("ccxt config: refusals name the variable", () => {
  refused({ ...base, SKEWDESK_CCXT_SECRET_FILE: secretFile(0o644) }, /SKEWDESK_CCXT_SECRET_FILE: .* readable by others/);
  refused({ ...base }, /needs the API secret/);
  refused({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_CCXT_SECRET_FILE: secretFile(0o600) }, /not both/);
  refused({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_VENUE: "ccxt:Bin ance" }, /SKEWDESK_VENUE/);
  refused({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_VENUE_URL: "http://api.binance.com" }, /SKEWDESK_VENUE_URL/);
  refused({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_VENUE_SYMBOL: "ETH/USDT:USDT" }, /SKEWDESK_VENUE_SYMBOL/);
  refused({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_VENUE_NETWORK: undefined }, /SKEWDESK_VENUE_NETWORK/);
  for (const bad of ["-1", "1e3", "one", "1.5 ETH"]) refused({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_CCXT_BASE_RESERVE: bad }, /SKEWDESK_CCXT_BASE_RESERVE: an amount of the base asset/);
});

test("ccxt config: the base reserve is exact and 0 unless set", () => {
  const none = liveConfigFromEnv({ ...base, SKEWDESK_CCXT_SECRET: SECRET });
  assert.ok("exchangeId" in none && none.baseReserve.isZero());
  const set = liveConfigFromEnv({ ...base, SKEWDESK_CCXT_SECRET: SECRET, SKEWDESK_CCXT_BASE_RESERVE: "10.000000000000000001" });
  assert.ok("exchangeId" in set);
  assert.equal(set.baseReserve.toFixed(), "10.000000000000000001");
});
