// A desk that dies (tests only): opens the ccxt adapter on the fake Binance whose URL it is given, with the
// watchdog dead-man armed, places one resting bid, reports it, and kills itself with SIGKILL (no cleanup,
// no disarm), leaving its watchdog process behind.
import Decimal from "decimal.js";
import { CcxtVenue } from "@/server/venue/ccxt";
import { TEST_API_KEY, TEST_API_SECRET } from "./server";

const [url, ws, deadmanMs] = process.argv.slice(2);
const venue = await CcxtVenue.open({ exchangeId: "binance", apiKey: TEST_API_KEY, secret: TEST_API_SECRET, symbol: "ETH/USDT", restUrl: url, wsUrl: ws, deadmanMs: Number(deadmanMs) });
const book = await venue.fetchOrderBook();
await venue.createOrder({ clientOrderId: "dying-desk-bid", side: "buy", type: "limit", price: book.bids[0]!.price.minus(new Decimal(5)), size: venue.market.minSize, postOnly: true });
process.stdout.write("placed\n");
process.kill(process.pid, "SIGKILL");
