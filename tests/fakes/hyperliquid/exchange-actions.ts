// POST /exchange of the fake: nonce rules, signature recovery, the actions a market maker sends (order,
// cancel, cancelByCloid, scheduleCancel) and a record of every action, so that tests can prove what was
// and was never sent (no builder fee, no referrer, no approval).
import type { Engine, LegStatus, Order, OrderWire } from "./engine";
import { recoverL1Signer, type WireSignature } from "./verify";

export interface ExchangeBody {
  action: Record<string, unknown> & { type?: unknown };
  nonce: number;
  signature: WireSignature;
  vaultAddress?: string | null;
  expiresAfter?: number;
}

export interface RecordedAction {
  at: number;
  signer: string | null;
  user: string | null;
  body: ExchangeBody;
  answer: unknown;
}

/** Actions that would make our users pay fees they did not choose. */
export const FORBIDDEN_ACTIONS = new Set(["approveBuilderFee", "setReferrer", "approveAgent", "setUserAbstraction", "userSetAbstraction", "agentSetAbstraction"]);

const err = (response: string) => ({ status: "err", response });
const ok = (type: string, data?: unknown) => ({ status: "ok", response: data === undefined ? { type } : { type, data } });

export class ExchangeActions {
  readonly actions: RecordedAction[] = [];
  /** Any fee-related or approval action, or any order carrying a builder: a test fails if this is not empty. */
  readonly forbidden: RecordedAction[] = [];
  /** The highest nonces seen per signer (the venue keeps 100). */
  private readonly nonces = new Map<string, number[]>();
  /** Agent (API wallet) address → the user it trades for. A user's own key is its own agent. */
  readonly agents = new Map<string, string>();
  readonly deadman = new Map<string, { at: number; triggersToday: number }>();
  deadmanFired: { user: string; at: number; cancelled: number }[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly isMainnet: boolean,
    private readonly now: () => number,
  ) {}

  authorize(agent: string, user: string): void {
    this.agents.set(agent.toLowerCase(), user.toLowerCase());
  }

  async handle(body: ExchangeBody): Promise<unknown> {
    const rec: RecordedAction = { at: this.now(), signer: null, user: null, body, answer: null };
    this.actions.push(rec);
    const type = String(body?.action?.type ?? "");
    const hasBuilder = type === "order" && body.action.builder !== undefined;
    if (FORBIDDEN_ACTIONS.has(type) || hasBuilder) {
      this.forbidden.push(rec);
      return (rec.answer = err(`fake Hyperliquid: refusing ${hasBuilder ? "an order with a builder fee" : type}: our users pay no fee they did not choose`));
    }
    if (!Number.isSafeInteger(body?.nonce)) return (rec.answer = err("Invalid nonce"));
    const signer = await recoverL1Signer(body.action, body.nonce, body.signature, this.isMainnet, body.vaultAddress ?? undefined, body.expiresAfter);
    rec.signer = signer;
    const user = signer ? this.agents.get(signer) : undefined;
    if (!signer || !user) return (rec.answer = err(`User or API Wallet ${signer ?? "0x0000000000000000000000000000000000000000"} does not exist.`));
    rec.user = user;
    const nonceErr = this.useNonce(signer, body.nonce);
    if (nonceErr) return (rec.answer = err(nonceErr));
    if (body.expiresAfter !== undefined && body.expiresAfter < this.now()) return (rec.answer = err(`Action expired at ${body.expiresAfter}`));
    return (rec.answer = this.dispatch(user, type, body.action));
  }

  private useNonce(signer: string, nonce: number): string | null {
    const now = this.now();
    if (nonce <= now - 2 * 86_400_000 || nonce >= now + 86_400_000) return `Invalid nonce: nonce ${nonce} is outside the allowed time window`;
    const seen = this.nonces.get(signer) ?? [];
    if (seen.includes(nonce)) return "Invalid nonce: duplicate nonce";
    if (seen.length >= 100 && nonce < seen[0]!) return `Invalid nonce: nonce ${nonce} is lower than the smallest of the 100 highest nonces`;
    seen.push(nonce);
    seen.sort((a, b) => a - b);
    if (seen.length > 100) seen.shift();
    this.nonces.set(signer, seen);
    return null;
  }

  private dispatch(user: string, type: string, action: Record<string, unknown>): unknown {
    switch (type) {
      case "order": {
        const orders = Array.isArray(action.orders) ? (action.orders as OrderWire[]) : [];
        if (!orders.length) return err("Order list is empty");
        const statuses: LegStatus[] = orders.map((o) => this.engine.place(user, o));
        return ok("order", { statuses });
      }
      case "cancel": {
        const cancels = Array.isArray(action.cancels) ? (action.cancels as { a: number; o: number }[]) : [];
        return ok("cancel", { statuses: cancels.map((c) => this.engine.cancel(user, this.engine.orders.get(Number(c.o)), "canceled", Number(c.a))) });
      }
      case "cancelByCloid": {
        const cancels = Array.isArray(action.cancels) ? (action.cancels as { asset: number; cloid: string }[]) : [];
        return ok("cancel", { statuses: cancels.map((c) => this.engine.cancel(user, this.engine.byCloid(user, String(c.cloid)), "canceled", Number(c.asset))) });
      }
      case "scheduleCancel": {
        const d = this.deadman.get(user) ?? { at: 0, triggersToday: 0 };
        if (action.time === undefined) {
          this.deadman.set(user, { ...d, at: 0 });
          return ok("default");
        }
        const time = Number(action.time);
        if (!Number.isSafeInteger(time) || time < this.now() + 5_000) return err("Scheduled cancel time too early, must be at least 5 seconds from now.");
        if (d.triggersToday >= 10) return err("Too many scheduled cancel triggers today.");
        this.deadman.set(user, { ...d, at: time });
        return ok("default");
      }
      default:
        return err(`Unsupported action type by this fake: ${type}`);
    }
  }

  /** Fires every armed dead-man whose time has come (or `user`'s at once): all its open orders are cancelled. */
  checkDeadman(force?: string): void {
    const now = this.now();
    for (const [user, d] of this.deadman) {
      if (!d.at || (force !== user && d.at > now)) continue;
      const open: Order[] = this.engine.openOrders(user);
      for (const o of open) this.engine.cancel(user, o, "scheduledCancel");
      this.deadman.set(user, { at: 0, triggersToday: d.triggersToday + 1 });
      this.deadmanFired.push({ user, at: now, cancelled: open.length });
    }
  }
}
