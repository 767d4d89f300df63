// Issue 14, defect 4: the tuning form contradicted itself on the ETH-USD market: "default" hints were the
// strategy's generic values beside the market's live ones (max inventory 1 "default 5", order size 0.1
// "default 1", skew unit 4 "default 0.01"), a probability safe range 0.01/0.99 showed on a dollar market,
// and "max position" did not say what it bounds. The form now takes the market's preset as the default,
// hides what does nothing on the market (still sending its value), and explains each field with its unit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { MarketDTO } from "@/lib/events";
import { defaultStrategyParams, parseStrategyParams } from "@/lib/strategy/params";
import { diffParams, limitHint, toFormValues, validate } from "@/components/tuning/fields";
import { tuningFields } from "@/components/tuning/schema";

// The story market's preset, as the runner starts it (server/runner/paper-market.ts).
const storyPreset = parseStrategyParams({
  maxInventory: "1",
  orderSize: "0.1",
  maxPosition: "0.1",
  minSpread: "1",
  maxSpread: "6",
  spread: "2",
  skewUnit: "4",
  imbalanceUnit: "0.2",
  safeRangeLow: null,
  safeRangeHigh: null,
}) as unknown as Record<string, unknown>;

const ethUsd: MarketDTO = {
  symbol: "ETH-USD",
  baseCurrency: "ETH",
  quoteCurrency: "USD",
  tickSize: "0.01",
  lotSize: "0.001",
  minSize: "0.001",
  minPrice: "0.01",
  maxPrice: "1000000",
  makerFeeRate: "0.0001",
  takerFeeRate: "0.0005",
  presetParams: storyPreset,
};
const probability: MarketDTO = { ...ethUsd, symbol: "YES", baseCurrency: "YES", quoteCurrency: "USDC", maxPrice: "0.99", presetParams: { ...defaultStrategyParams } };

describe("tuning form on the ETH-USD market", () => {
  const { fields, schema } = tuningFields(storyPreset, ethUsd);
  const by = new Map(fields.map((f) => [f.path, f]));

  test("defaults are the market's preset, with units", () => {
    assert.equal(limitHint(by.get("maxInventory")!)?.split(" · ")[0], "default 1 ETH");
    assert.equal(limitHint(by.get("orderSize")!)?.split(" · ")[0], "default 0.1 ETH");
    assert.equal(limitHint(by.get("skewUnit")!)?.split(" · ")[0], "default 4 USD");
  });

  test("the probability safe range and the two-outcome caps are hidden, and still sent unchanged", () => {
    for (const p of ["safeRangeLow", "safeRangeHigh", "maxTotalPosition", "mergeThreshold"]) assert.equal(by.get(p)?.hidden, true, p);
    assert.ok(fields.filter((f) => !f.hidden).length >= 15);
    const r = validate(toFormValues(storyPreset, fields), fields, schema);
    assert.deepEqual(r.errors, {});
    assert.deepEqual(diffParams(storyPreset, r.params), [], "hidden fields keep their values");
  });

  test("every shown field says what it does; prices in USD, sizes in ETH; max quote size says what it does not bound", () => {
    for (const f of fields.filter((x) => !x.hidden)) assert.ok((f.description ?? "").length > 20, `${f.path} is explained`);
    assert.equal(by.get("skewUnit")!.unit, "USD");
    assert.equal(by.get("minLevelSize")!.unit, "ETH");
    assert.match(by.get("minLevelSize")!.description!, /0\.001 ETH/);
    assert.match(by.get("maxPosition")!.label, /quote size/i);
    assert.match(by.get("maxPosition")!.description!, /does not limit inventory/);
  });

  test("on a probability market the safe range shows", () => {
    const p = new Map(tuningFields({ ...defaultStrategyParams }, probability).fields.map((f) => [f.path, f]));
    assert.equal(p.get("safeRangeLow")!.hidden, false);
    assert.equal(p.get("skewUnit")!.unit, "USDC");
  });
});
