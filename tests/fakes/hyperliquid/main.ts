// `npm run fake:hyperliquid`: a local Hyperliquid to run the whole desk in live mode without money.
// Prints where it listens and the test account it created; Ctrl-C stops it.
import { privateKeyToAccount } from "viem/accounts";
import { TEST_PRIVATE_KEY, startFakeHyperliquid } from "./server";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const port = Number(arg("port") ?? process.env.FAKE_HYPERLIQUID_PORT ?? 8787);
const network = arg("network") === "testnet" ? "testnet" : "mainnet";
const fake = await startFakeHyperliquid({ port, network });
const wallet = privateKeyToAccount(TEST_PRIVATE_KEY).address;
console.log(`fake Hyperliquid (${network} signatures) on ${fake.url}  (WebSocket ${fake.wsUrl})`);
console.log(`test account ${wallet} with 100000 USDC; its key is the well-known Hardhat test key ${TEST_PRIVATE_KEY}`);
console.log("markets: BTC/USDC:USDC, ETH/USDC:USDC; the desk's env for it:");
console.log(`  SKEWDESK_MODE=live SKEWDESK_VENUE=hyperliquid SKEWDESK_VENUE_URL=${fake.url} SKEWDESK_VENUE_NETWORK=${network} SKEWDESK_VENUE_SYMBOL=ETH/USDC:USDC`);
console.log(`  SKEWDESK_HYPERLIQUID_WALLET=${wallet} SKEWDESK_HYPERLIQUID_KEY_FILE=<a 0600 file holding the key>`);
const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
