// `npm run fake:binance`: a local Binance spot to run the whole desk in live mode without money.
// Prints where it listens and the test credentials; Ctrl-C stops it.
import { TEST_API_KEY, TEST_API_SECRET, startFakeBinance } from "./server";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const port = Number(arg("port") ?? process.env.FAKE_BINANCE_PORT ?? 8789);
const fake = await startFakeBinance({ port });
console.log(`fake Binance spot on ${fake.url} (REST /api/v3), ${fake.wsUrl}/ws (market streams), ${fake.wsUrl}/ws-api/v3 (user data)`);
console.log("markets: ETH/USDT, BTC/USDT, LTC/USDT, SOL/USDT; the account holds 100000 USDT, 10 ETH, 1 BTC, 100 LTC, 100 SOL");
console.log(`test API key ${TEST_API_KEY}`);
console.log("the desk's env for it (put the secret below in a 0600 file):");
console.log(`  SKEWDESK_MODE=live SKEWDESK_VENUE=ccxt:binance SKEWDESK_VENUE_NETWORK=mainnet SKEWDESK_VENUE_URL=${fake.url} SKEWDESK_VENUE_WS_URL=${fake.wsUrl} SKEWDESK_VENUE_SYMBOL=ETH/USDT SKEWDESK_CCXT_BASE_RESERVE=10`);
console.log(`  SKEWDESK_CCXT_API_KEY=${TEST_API_KEY} SKEWDESK_CCXT_SECRET_FILE=<a 0600 file holding: ${TEST_API_SECRET}>`);
// --flow: the mark walks every second and another trader sends small market orders, so a desk sees fills.
let flow: ReturnType<typeof setInterval> | null = null;
if (process.argv.includes("--flow")) {
  flow = setInterval(() => {
    const eth = fake.engine.spec("ETHUSDT")!;
    const mark = Math.max(1500, Math.min(2600, Number(eth.mark) + Math.round((Math.random() - 0.5) * 200) / 100));
    fake.engine.setMark("ETHUSDT", mark.toFixed(2));
    if (Math.random() < 0.3) fake.engine.externalTrade("ETHUSDT", Math.random() < 0.5 ? "SELL" : "BUY", "0.05");
  }, 1_000);
  console.log("--flow: the mark walks every second and another trader sends small market orders");
}
const stop = async () => {
  if (flow) clearInterval(flow);
  await fake.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
