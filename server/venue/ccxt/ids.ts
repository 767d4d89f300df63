// Client order ids on the wire. Binance accepts at most 36 characters of [.A-Za-z0-9:/_-]; the desk's ids
// are "sd-<uuid>" (39) or "sd-<tag>-<uuid>" (46). They map both ways without any table, the UUID's 16
// bytes as 22 base64url characters behind "sd." (a prefix the desk never makes itself), so orders left on
// the venue by an earlier process come back under the id the desk gave them. Short ids in the venue's
// alphabet go as they are; any other id is hashed and remembered for the life of the process.
import { createHash } from "node:crypto";

const WIRE_OK = /^[.A-Za-z0-9:/_-]{1,36}$/;
const DESK = /^sd-(?:([a-z0-9]{6})-)?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;
const ENCODED = /^sd\.(?:([a-z0-9]{6})\.)?([A-Za-z0-9_-]{22})$/;

export class ClientIdMap {
  private readonly fromWire = new Map<string, string>();

  /** The id sent to the venue for our client order id. */
  wire(clientOrderId: string): string {
    const m = DESK.exec(clientOrderId);
    if (m) {
      const b64 = Buffer.from(m.slice(2).join(""), "hex").toString("base64url");
      return m[1] ? `sd.${m[1]}.${b64}` : `sd.${b64}`;
    }
    if (WIRE_OK.test(clientOrderId) && !clientOrderId.startsWith("sd.") && !clientOrderId.startsWith("x.")) return clientOrderId;
    const h = `x.${createHash("sha256").update(clientOrderId).digest("base64url").slice(0, 30)}`;
    this.fromWire.set(h, clientOrderId);
    return h;
  }

  /** Our client order id for an id the venue reports (the id itself when it is none of ours). */
  clientOrderId(wire: string): string {
    const known = this.fromWire.get(wire);
    if (known) return known;
    const m = ENCODED.exec(wire);
    if (!m) return wire;
    const hex = Buffer.from(m[2]!, "base64url").toString("hex");
    if (hex.length !== 32) return wire;
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return m[1] ? `sd-${m[1]}-${uuid}` : `sd-${uuid}`;
  }
}
