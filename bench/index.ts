// `npm run bench`: every bench module, in order (the last: live book-to-order latency against the fake Hyperliquid). strategy.ts runs when imported; the others export run().
// The load bench (200 sockets, 20 parameter changes/s, 60 s) is separate: `npm run bench:load`.
import "./strategy";
import { run as paper } from "./paper";
import { run as runner } from "./runner";
import { run as skew } from "./skew-falling";
import { run as bookToOrder } from "./book-to-order";
import { run as decideFloat } from "./decide-float";
import { run as lab } from "./lab";

decideFloat();
await paper();
await runner();
await skew(8, 10);
await lab();
await bookToOrder();
