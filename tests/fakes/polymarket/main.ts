// `npm run fake:polymarket`: a local Polymarket CLOB V2 to run the whole desk in live mode without money.
// Prints where it listens and the env for the desk; Ctrl-C stops it.
// --flow: the mid walks and another trader sends small marketable orders, so a rehearsing desk sees fills.
import Decimal from "decimal.js";
import { privateKeyToAccount } from "viem/accounts";
import { CONDITION_ID, NO_TOKEN, TEST_PRIVATE_KEY, YES_TOKEN, startFakePolymarket } from "./server";
import { startFakeChain } from "./chain";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const port = Number(arg("port") ?? process.env.FAKE_POLYMARKET_PORT ?? 8788);
// The desk's books start empty, so the account does too (--shares N gives it N of each token).
const shares = Number(arg("shares") ?? 0);
const fake = await startFakePolymarket({ port, startShares: shares });
// Polygon for merges, over the same accounts (a random free port).
const chain = await startFakeChain(fake.engine);
const wallet = privateKeyToAccount(TEST_PRIVATE_KEY).address;
console.log(`fake Polymarket CLOB V2 (Polygon signatures, chain 137) on ${fake.url}  (WebSocket ${fake.wsUrl}/ws/market, /ws/user)`);
console.log(`market ${CONDITION_ID}: YES token ${YES_TOKEN}, NO token ${NO_TOKEN}`);
console.log(`test account ${wallet}: 100000 pUSD and ${shares} shares of each token once its API key is created; its key is the well-known Hardhat test key ${TEST_PRIVATE_KEY}`);
console.log("the desk's env for it:");
console.log(`  SKEWDESK_MODE=live SKEWDESK_VENUE=polymarket SKEWDESK_VENUE_NETWORK=mainnet SKEWDESK_VENUE_URL=${fake.url}`);
console.log(`  SKEWDESK_POLYMARKET_TOKEN_ID=${YES_TOKEN} SKEWDESK_POLYMARKET_CONDITION_ID=${CONDITION_ID} SKEWDESK_VENUE_SYMBOL=FAKE/YES`);
console.log("  SKEWDESK_POLYMARKET_KEY_FILE=<a 0600 file holding the key>");
console.log(`  for the YES/NO pair and merges: SKEWDESK_POLYMARKET_NO_TOKEN_ID=${NO_TOKEN} SKEWDESK_POLYMARKET_RPC_URL=${chain.url}`);
let flow: ReturnType<typeof setInterval> | null = null;
if (process.argv.includes("--flow")) {
  flow = setInterval(() => {
    const t = fake.engine.tokens.get(YES_TOKEN)!;
    const step = Math.random() < 0.5 ? -1 : 1;
    const mid = Decimal.min(new Decimal("0.90"), Decimal.max(new Decimal("0.10"), t.mid.plus(t.tick.mul(Math.random() < 0.3 ? step : 0))));
    t.mid = mid;
    fake.engine.replenish(YES_TOKEN);
    if (Math.random() < 0.3) fake.engine.externalTrade(YES_TOKEN, Math.random() < 0.5 ? "BUY" : "SELL", "5");
    if (Math.random() < 0.3) fake.engine.externalTrade(NO_TOKEN, Math.random() < 0.5 ? "BUY" : "SELL", "5");
  }, 1_000);
  console.log("--flow: the mid walks and another trader sends small marketable orders");
}
const stop = async () => {
  if (flow) clearInterval(flow);
  await chain.close();
  await fake.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
