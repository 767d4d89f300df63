// What moves the RunnerHost test double's figures, each change emitted as the runner's event: snapshots,
// fills (average-cost PnL), alerts (one per kind while open), rebalance and emergency orders, and the
// simulated tick of the live stream. The state is in fake-runner-state.ts, the RunnerHost methods in
// fake-runner-host.ts.
import Decimal from "decimal.js";
import type {
  AlertDTO,
  FillDTO,
  OrderDTO,
  SideDTO,
  SnapshotDTO,
} from "@/lib/events";
import { FakeRunnerState } from "./fake-runner-state";

export class FakeRunnerTrading extends FakeRunnerState {
  /** Appends a snapshot to the history and emits it (as the runner does once per tick). */
  pushSnapshot(s: SnapshotDTO = this.snapshot()): SnapshotDTO {
    this.snapshotLog.push(s);
    if (this.snapshotLog.length > 50_000) this.snapshotLog.splice(0, 10_000);
    this.emit("snapshot", s);
    return s;
  }

  applyFill(side: SideDTO, price: Decimal, size: Decimal, liquidity: "maker" | "taker" = "maker", ts = Date.now()): FillDTO {
    const signed = side === "buy" ? size : size.neg();
    const before = this.inventory;
    const after = before.plus(signed);
    // Average cost bookkeeping: realize PnL on the part that reduces the position.
    if (before.isZero() || before.isPositive() === signed.isPositive()) {
      this.avgCost = before.abs().plus(size).isZero()
        ? price
        : this.avgCost.mul(before.abs()).plus(price.mul(size)).div(before.abs().plus(size));
    } else {
      const closed = Decimal.min(before.abs(), size);
      this.realized = this.realized.plus(price.minus(this.avgCost).mul(closed).mul(before.isPositive() ? 1 : -1));
      if (size.gt(before.abs())) this.avgCost = price;
    }
    this.inventory = after;
    if (after.abs().gt(this.peak)) this.peak = after.abs();
    const fee = price.mul(size).mul(liquidity === "maker" ? "0" : "0.002");
    this.fees = this.fees.plus(fee);
    const id = `F${++this.seq}`;
    const fill: FillDTO = {
      tradeId: id,
      clientOrderId: `O${this.seq}`,
      side,
      price: price.toFixed(3),
      size: size.toFixed(2),
      fee: fee.toFixed(4),
      liquidity,
      inventoryAfter: after.toFixed(2),
      ts,
      seq: String(this.seq),
    };
    this.fillLog.push(fill);
    this.emit("fill", fill);
    return fill;
  }

  /** As the store does: a kind raised while its alert is open is that alert seen once more. */
  raiseAlert(kind: AlertDTO["kind"], severity: AlertDTO["severity"], message: string): AlertDTO {
    const open = this.alertLog.findLast((a) => a.kind === kind && a.acknowledgedAt === null);
    if (open) {
      open.count = (open.count ?? 1) + 1;
      open.lastSeenAt = Date.now();
      open.message = message;
      this.emit("alert", { ...open });
      return open;
    }
    const alert: AlertDTO = {
      id: `A${++this.seq}`,
      kind,
      severity,
      message,
      createdAt: Date.now(),
      count: 1,
      lastSeenAt: Date.now(),
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    this.alertLog.push(alert);
    this.emit("alert", alert);
    return alert;
  }

  /** A reduce-only rebalance or an emergency flatten, as the runner places them (a market order, filled). */
  pushActionOrder(reason: "rebalance" | "emergency", side: SideDTO, size: Decimal, now = Date.now()): OrderDTO {
    const order: OrderDTO = {
      clientOrderId: `O${++this.seq}-${reason}`,
      side,
      type: "market",
      price: null,
      size: size.toFixed(2),
      filledSize: size.toFixed(2),
      status: "filled",
      reason,
      createdAt: now,
      updatedAt: now,
    };
    this.orderLog.push(order);
    this.emit("order", order);
    return order;
  }

  // ---- a live, plausible stream (serve-fake.ts) --------------------------------------------------------

  /** One simulated tick: mid random walk, sometimes a fill against our quote, sometimes an alert. */
  tick(rand: () => number = Math.random, ts?: number): void {
    this.lastTickAt = ts ?? Date.now();
    const step = new Decimal(Math.round((rand() - 0.5) * 6)).div(1000);
    this.mid = Decimal.max(new Decimal("0.05"), Decimal.min(new Decimal("0.95"), this.mid.plus(step)));
    const q = this.quotes();
    // History made at start-up carries the tick's own time, so it spreads over the charts like live data.
    const at = ts ?? Date.now();
    if (q.bid && q.ask && rand() < 0.15) {
      const side: SideDTO = rand() < 0.5 + this.ratio() * 0.3 ? "sell" : "buy";
      const size = new Decimal(this.params_.orderSize);
      this.applyFill(side, side === "buy" ? q.bid : q.ask, size, "maker", at);
      const order: OrderDTO = {
        clientOrderId: `O${this.seq}`,
        side,
        type: "limit",
        price: (side === "buy" ? q.bid : q.ask).toFixed(3),
        size: size.toFixed(2),
        filledSize: size.toFixed(2),
        status: "filled",
        reason: "quote",
        createdAt: at,
        updatedAt: at,
      };
      this.orderLog.push(order);
      this.emit("order", order);
      const r = Math.abs(this.ratio());
      if (r >= this.params_.rebalanceThreshold && this.riskState === "ACTIVE") {
        this.riskState = "REDUCING";
        this.rebalanceCount++;
        this.pushActionOrder("rebalance", this.ratio() > 0 ? "sell" : "buy", size, at);
        this.raiseAlert("rebalance", "warning", `Inventory ratio ${r.toFixed(2)} past rebalance threshold`);
      } else if (r < this.params_.rebalanceThreshold / 2 && this.riskState === "REDUCING") {
        this.riskState = "ACTIVE";
        this.raiseAlert("risk_state", "info", "Back to ACTIVE");
      }
    }
    if (this.orderLog.length > 2000) this.orderLog.splice(0, 500);
    if (this.fillLog.length > 2000) this.fillLog.splice(0, 500);
    this.pushSnapshot(this.snapshot(ts ?? this.nextTs()));
    this.emit("status", this.statusNow());
  }
}
