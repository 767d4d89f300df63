// Issue 14, item 8: the PnL tooltip showed 5–8 decimals and no currency, and "realized" did not say it is
// before fees. The tooltip now reads the snapshot's exact decimal strings, rounded to the cent, in the
// market's quote currency.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { SnapshotDTO } from "@/lib/events";
import { PNL_SERIES, PRICE_SERIES, RATIO_SERIES, tooltipLines } from "@/components/dashboard/chart-series";

const s: SnapshotDTO = {
  ts: 1,
  mid: "1996.535",
  bestBid: "1996.53",
  bestAsk: "1996.54",
  ourBid: "1995.10",
  ourAsk: null,
  inventory: "-0.051",
  ratio: -0.051,
  skew: 0.0255,
  realizedPnl: "12.34567891",
  unrealizedPnl: "-0.004999",
  totalPnl: "11.995",
  fees: "0.34567",
  riskState: "ACTIVE",
};
const usd = { base: "ETH", quote: "USD" };

test("PnL reads to the cent in the quote currency, realized says it is before fees, fees listed", () => {
  assert.deepEqual(
    tooltipLines(s, PNL_SERIES, usd).map((l) => `${l.name}: ${l.text}`),
    ["realized (before fees): +12.35 USD", "unrealized: 0.00 USD", "total (net of fees): +12.00 USD", "fees: 0.35 USD"],
  );
});

test("prices keep the server's precision with the currency; inventory in the base currency", () => {
  const prices = tooltipLines(s, PRICE_SERIES, usd).map((l) => l.text);
  assert.deepEqual(prices, ["1,996.54 USD", "—", "1,996.535 USD", "1,995.10 USD", "1,996.53 USD"]);
  assert.equal(tooltipLines(s, RATIO_SERIES, usd)[0]!.text, "−0.051 (inventory −0.051 ETH)");
});
