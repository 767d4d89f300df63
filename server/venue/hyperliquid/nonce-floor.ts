// Nonces are millisecond timestamps, max(now, last + 1) per ccxt instance; the venue refuses a duplicate
// and anything below its 100 highest. A restarted desk starts from the clock again: if the last run
// signed ahead of the clock (bursts), or the clock stepped back, its first nonces could repeat. The
// highest nonce used is kept in a small file (written at most once a second and at close) and the next
// run starts above it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function readNonceFloor(path: string): number | undefined {
  try {
    const v = (JSON.parse(readFileSync(path, "utf8")) as { lastNonce?: unknown }).lastNonce;
    return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

export class NonceFloorFile {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private written = 0;

  constructor(
    private readonly path: string,
    private readonly current: () => number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /** A signed action went out: persist soon. */
  touch(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, 1_000);
    this.timer.unref?.();
  }

  write(): void {
    const n = this.current();
    if (!n || n <= this.written) return;
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ lastNonce: n }) + "\n", { mode: 0o600 });
    renameSync(tmp, this.path);
    this.written = n;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.write();
  }
}
