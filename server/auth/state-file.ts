// Small pieces of the web process's state that must survive a restart (login throttling, revoked sessions),
// kept as JSON files in the data folder: mode 0600, written whole to a temporary file and renamed over the old
// one, so a crash mid-write leaves the previous version. A file that is missing or unreadable starts empty,
// with a warning: it must never stop the desk from starting (the emergency button is behind it).
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";

export class StateFile<T> {
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private pending: (() => T) | null = null;

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
  ) {}

  async load(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.warn(`[auth] cannot read ${this.path}: ${(err as Error).message}; starting empty`);
      return null;
    }
    try {
      const r = this.schema.safeParse(JSON.parse(text));
      if (r.success) return r.data;
      this.warn(`[auth] ${this.path} is not in the expected shape; starting empty`);
    } catch {
      this.warn(`[auth] ${this.path} is not valid JSON; starting empty`);
    }
    return null;
  }

  /** Writes now (after any write in progress); resolves once the file is on disk. */
  save(value: T): Promise<void> {
    const text = JSON.stringify(value);
    const run = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.path);
    });
    this.writing = run.catch((err: unknown) => this.warn(`[auth] cannot write ${this.path}: ${(err as Error).message}`));
    return this.writing;
  }

  /** Writes `get()` within `delayMs`, once for any number of calls meanwhile (a flood of failed logins). */
  saveSoon(get: () => T, delayMs = 250): void {
    this.pending = get;
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  /** Writes what saveSoon is holding, now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const get = this.pending;
    this.pending = null;
    if (get) await this.save(get());
    else await this.writing;
  }
}
