// Client order ids on Hyperliquid are 16 bytes of hex ("cloid"). The desk's own ids are "sd-" + a UUID,
// which is 16 bytes too: they map both ways without any table, so orders left on the venue by an earlier
// process come back under the id the desk gave them and are recognised as ours. Any other id is hashed
// (with the UUID version nibble cleared, so a hash never reads back as a desk id) and remembered for
// the life of the process.
import { createHash } from "node:crypto";

const UUID_RE = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;
const CLOID_RE = /^0x[0-9a-f]{32}$/;

export class CloidMap {
  private readonly toId = new Map<string, string>();
  /**
   * Cloids of the ids asked for lately: an order's id is mapped when it is placed and again when it is
   * cancelled, on the way from a book to the request (two regular expressions and a join each time).
   * Bounded: emptied when full (a miss only recomputes).
   */
  private readonly recent = new Map<string, string>();

  constructor(private readonly prefix = "sd-") {}

  /** The cloid sent for our client order id. */
  cloid(clientOrderId: string): string {
    let c = this.recent.get(clientOrderId);
    if (c === undefined) {
      c = this.compute(clientOrderId);
      if (this.recent.size >= 4096) this.recent.clear();
      this.recent.set(clientOrderId, c);
    }
    return c;
  }

  private compute(clientOrderId: string): string {
    const lower = clientOrderId.toLowerCase();
    if (CLOID_RE.test(lower)) return lower;
    if (clientOrderId.startsWith(this.prefix)) {
      const m = UUID_RE.exec(clientOrderId.slice(this.prefix.length).toLowerCase());
      if (m && m[3]!.startsWith("4")) return `0x${m.slice(1).join("")}`;
    }
    const h = createHash("sha256").update(clientOrderId).digest("hex").slice(0, 32);
    const cloid = `0x${h.slice(0, 12)}0${h.slice(13)}`;
    this.toId.set(cloid, clientOrderId);
    return cloid;
  }

  /** Our client order id for a cloid the venue reports (the cloid itself when it is none of ours). */
  clientOrderId(cloid: string | null | undefined, oid: number | string): string {
    if (!cloid) return `hl-oid-${oid}`;
    const c = cloid.toLowerCase();
    const known = this.toId.get(c);
    if (known) return known;
    const hex = c.slice(2);
    if (hex.length === 32 && hex[12] === "4") {
      return `${this.prefix}${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    return c;
  }
}
