// The session-signing secret: from SKEWDESK_AUTH_SECRET, or, for a paper desk on localhost only, generated
// once and kept in <dataDir>/auth-secret (0600) so that sessions survive a restart. Never logged.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export class StartupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupRefused";
  }
}

/** Values copied from examples and docs, or too regular to be random. */
export function looksDefault(secret: string): boolean {
  if (/change.?me|changeme|default|example|placeholder|your.?secret|insecure|replace.?this/i.test(secret)) return true;
  if (/^(.)\1+$/.test(secret)) return true;
  return new Set(secret).size < 10;
}

export interface SecretContext {
  secret: string | undefined;
  mode: "paper" | "live";
  /** Whether the server listens on loopback only. */
  localOnly: boolean;
  dataDir: string;
}

export async function resolveAuthSecret(ctx: SecretContext): Promise<{ key: Uint8Array; source: "env" | "generated" | "file" }> {
  if (ctx.secret !== undefined) {
    if (ctx.secret.length < 32) throw new StartupRefused("SKEWDESK_AUTH_SECRET must be at least 32 characters");
    if (looksDefault(ctx.secret)) {
      if (ctx.mode === "live") throw new StartupRefused("Refusing to start in live mode with a default SKEWDESK_AUTH_SECRET");
      if (!ctx.localOnly) throw new StartupRefused("Refusing to listen beyond localhost with a default SKEWDESK_AUTH_SECRET");
      console.warn("[auth] SKEWDESK_AUTH_SECRET looks like a default value; set a random one (openssl rand -hex 32)");
    }
    return { key: new TextEncoder().encode(ctx.secret), source: "env" };
  }
  if (ctx.mode === "live") throw new StartupRefused("Refusing to start in live mode without SKEWDESK_AUTH_SECRET (at least 32 random characters)");
  if (!ctx.localOnly) throw new StartupRefused("Refusing to listen beyond localhost without SKEWDESK_AUTH_SECRET");
  const path = join(ctx.dataDir, "auth-secret");
  try {
    const stored = (await readFile(path, "utf8")).trim();
    if (stored.length >= 32) {
      await chmod(path, 0o600);
      return { key: new TextEncoder().encode(stored), source: "file" };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(ctx.dataDir, { recursive: true });
  const generated = randomBytes(32).toString("base64url");
  try {
    await writeFile(path, generated + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process won the race: use its secret.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return { key: new TextEncoder().encode((await readFile(path, "utf8")).trim()), source: "file" };
  }
  return { key: new TextEncoder().encode(generated), source: "generated" };
}
