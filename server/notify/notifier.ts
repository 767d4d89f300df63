// Sends critical alerts to the configured webhook: the emergency close, HALTED, database writes failing,
// a reconciliation mismatch, anything the runner raises as critical. Each alert once (a grouped repeat of
// an open alert is not news); one at a time, in order; retried with backoff on network errors, 5xx and
// 429 (honouring Retry-After); a 4xx other than 429 is a configuration error and is not retried.
import type { AlertDTO, NotifyDeliveryDTO, NotifyStatusDTO } from "@/lib/events";
import type { NotifyConfig } from "./notify-config";
import { noticeOf, payloadOf, type Notice } from "./payload";

export interface NotifierDeps {
  fetch?: typeof fetch;
  /** Waits between attempts; tests pass one that does not wait on the wall clock. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
}

const ATTEMPT_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;
/** Ids already sent, kept bounded: a desk runs for weeks. */
const REMEMBERED = 1_000;

/** The kinds that need a person now, whatever their severity. */
const ALWAYS = new Set<AlertDTO["kind"]>(["emergency", "reconciliation"]);

export function isCritical(a: AlertDTO): boolean {
  return a.severity === "critical" || ALWAYS.has(a.kind) || (a.kind === "risk_state" && /\bHALTED\b/.test(a.message));
}

export class Notifier {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly sent = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private last: NotifyDeliveryDTO | null = null;

  constructor(
    readonly config: NotifyConfig,
    /** How the desk names itself in a message, e.g. "Skewdesk PAPER". */
    private readonly desk: string,
    deps: NotifierDeps = {},
  ) {
    this.fetch = deps.fetch ?? fetch;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? ((l) => console.error(l));
  }

  /** A runner alert: sent when critical and not sent before; null when it is not sent. */
  alert(a: AlertDTO): Promise<NotifyDeliveryDTO> | null {
    if (!isCritical(a) || this.sent.has(a.id)) return null;
    this.sent.add(a.id);
    if (this.sent.size > REMEMBERED) this.sent.delete(this.sent.values().next().value!);
    return this.enqueue(noticeOf(a, this.desk));
  }

  /** The operator's test button: one message that says it is a test and who sent it. */
  test(by: string): Promise<NotifyDeliveryDTO> {
    return this.enqueue({ text: `✅ ${this.desk}: test notification sent by ${by} from the dashboard. Critical alerts will arrive here.`, alert: null });
  }

  status(): NotifyStatusDTO {
    return { configured: true, format: this.config.format, destination: new URL(this.config.url).host, last: this.last };
  }

  /** Waits for every queued delivery (shutdown, tests). */
  async idle(): Promise<void> {
    await this.queue;
  }

  private enqueue(n: Notice): Promise<NotifyDeliveryDTO> {
    const run = this.queue.then(() => this.deliver(n));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliver(n: Notice): Promise<NotifyDeliveryDTO> {
    const body = JSON.stringify(payloadOf(n, this.config));
    let attempts = 0;
    let status: number | null = null;
    let error: string | null = null;
    for (;;) {
      attempts++;
      let wait = Math.min(1000 * 2 ** (attempts - 1), MAX_BACKOFF_MS);
      try {
        const res = await this.fetch(this.config.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          error = null;
          break;
        }
        error = `the webhook answered ${res.status}`;
        if (res.status !== 429 && res.status < 500) break;
        const after = Number(res.headers.get("retry-after"));
        if (Number.isFinite(after) && after > 0) wait = Math.min(after * 1000, MAX_BACKOFF_MS);
      } catch (err) {
        status = null;
        error = `the webhook could not be reached: ${(err as Error).message}`;
      }
      if (attempts > this.config.retries) break;
      await this.sleep(wait);
    }
    const d: NotifyDeliveryDTO = { ok: error === null, attempts, status, error, at: this.now(), text: n.text };
    this.last = d;
    if (!d.ok) this.log(`[notify] not delivered after ${attempts} attempt(s): ${error}`);
    return d;
  }
}
