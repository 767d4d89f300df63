// The web process's configuration, read once from the environment through a schema so that a typo in an
// env variable stops the start with a message naming the variable instead of running with a default.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Mode } from "@/lib/events";

export interface AuthConfig {
  /** SKEWDESK_AUTH_SECRET; when absent a paper desk on localhost generates one in <dataDir>/auth-secret. */
  secret: string | undefined;
  /** Env-provided credentials for the accounts "operator" and "viewer" (hashed at start, never logged). */
  operatorPassword: string | undefined;
  viewerPassword: string | undefined;
  /** A JSON file of {username, role, passwordHash} accounts. */
  usersFile: string | undefined;
  sessionTtlMs: number;
  /** "auto": Secure when the request came over https (or X-Forwarded-Proto https behind a trusted proxy). */
  cookieSecure: "auto" | "always" | "never";
  /**
   * How many reverse proxies sit in front of the desk (SKEWDESK_TRUST_PROXY): the client's address is that
   * many entries from the right of X-Forwarded-For. 0 = none: the socket's peer is the client.
   */
  trustProxyHops: number;
  bcryptRounds: number;
  loginMaxFailures: number;
  loginWindowMs: number;
}

export interface WebConfig {
  /** Address to listen on. Beyond loopback the desk refuses to start without accounts and a secret. */
  host: string;
  port: number;
  mode: Mode;
  dataDir: string;
  /** Project root: where Next finds app/ and .next/. */
  dir: string;
  /** Extra Origins accepted for mutations and sockets (e.g. https://desk.example.com behind a proxy). */
  publicOrigins: string[];
  /**
   * Host names (besides IP literals and localhost) this desk answers to: every other Host header is refused,
   * which stops DNS rebinding. SKEWDESK_ALLOWED_HOSTS, plus the public origins' hosts and HOST when it is a name.
   */
  allowedHosts: string[];
  bodyLimitBytes: number;
  /** Serve the Next pages; false gives an API-and-socket-only server (tests without a Next build). */
  pages: boolean;
  auth: AuthConfig;
}

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const origin = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  SKEWDESK_MODE: z.enum(["paper", "live"]).default("paper"),
  SKEWDESK_DATA_DIR: z.string().trim().min(1).default("./data"),
  SKEWDESK_AUTH_SECRET: optionalNonEmpty.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  SKEWDESK_OPERATOR_PASSWORD: optionalNonEmpty.pipe(z.string().min(10, "must be at least 10 characters").max(256).optional()),
  SKEWDESK_VIEWER_PASSWORD: optionalNonEmpty.pipe(z.string().min(10, "must be at least 10 characters").max(256).optional()),
  SKEWDESK_USERS_FILE: optionalNonEmpty,
  SKEWDESK_SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  SKEWDESK_COOKIE_SECURE: z.enum(["auto", "always", "never"]).default("auto"),
  SKEWDESK_TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" || v === "false" || v === "no" ? "0" : v === "true" || v === "yes" ? "1" : v))
    .pipe(z.string().regex(/^[0-9]$/, "must be the number of proxies in front of the desk (0–9), or true/false"))
    .transform(Number),
  SKEWDESK_PUBLIC_ORIGIN: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin)),
  SKEWDESK_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((s) => s.trim().toLowerCase().replace(/\.$/, "")).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a comma-separated list of host names (no scheme, no port)"))),
  SKEWDESK_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(1024).default(64),
  SKEWDESK_BCRYPT_ROUNDS: z.coerce.number().int().min(4).max(15).default(11),
  SKEWDESK_PAGES: z
    .enum(["1", "0", "true", "false", "yes", "no"])
    .default("1")
    .transform((v) => v === "1" || v === "true" || v === "yes"),
});

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Reads WebConfig from env; throws ConfigError naming every bad variable (never echoing secret values). */
export function webConfigFromEnv(env: Record<string, string | undefined> = process.env, cwd = PROJECT_ROOT): WebConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "env"}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    mode: e.SKEWDESK_MODE,
    dataDir: resolve(cwd, e.SKEWDESK_DATA_DIR),
    dir: cwd,
    publicOrigins: e.SKEWDESK_PUBLIC_ORIGIN,
    allowedHosts: allowedHostNames(e.SKEWDESK_ALLOWED_HOSTS, e.SKEWDESK_PUBLIC_ORIGIN, e.HOST),
    bodyLimitBytes: e.SKEWDESK_BODY_LIMIT_KB * 1024,
    pages: e.SKEWDESK_PAGES,
    auth: {
      secret: e.SKEWDESK_AUTH_SECRET,
      operatorPassword: e.SKEWDESK_OPERATOR_PASSWORD,
      viewerPassword: e.SKEWDESK_VIEWER_PASSWORD,
      usersFile: e.SKEWDESK_USERS_FILE === undefined ? undefined : resolve(cwd, e.SKEWDESK_USERS_FILE),
      sessionTtlMs: Math.round(e.SKEWDESK_SESSION_TTL_HOURS * 3600_000),
      cookieSecure: e.SKEWDESK_COOKIE_SECURE,
      trustProxyHops: e.SKEWDESK_TRUST_PROXY,
      bcryptRounds: e.SKEWDESK_BCRYPT_ROUNDS,
      loginMaxFailures: 5,
      loginWindowMs: 15 * 60_000,
    },
  };
}

function allowedHostNames(listed: string[], origins: string[], host: string): string[] {
  const names = new Set(listed);
  for (const o of origins) names.add(new URL(o).hostname);
  // HOST=desk.lan: the operator named this machine; an IP (0.0.0.0, 10.0.0.5) needs no entry.
  const h = host.toLowerCase();
  if (/^[a-z]/.test(h) && !h.includes(":")) names.add(h);
  return [...names];
}

/** Defaults for tests and scripts: a paper desk on loopback, an ephemeral port. */
export function defaultWebConfig(overrides: Partial<Omit<WebConfig, "auth">> & { auth?: Partial<AuthConfig> } = {}): WebConfig {
  const base = webConfigFromEnv({}, PROJECT_ROOT);
  return { ...base, port: 0, ...overrides, auth: { ...base.auth, ...overrides.auth } };
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms, or the name localhost. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (a === "localhost" || a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
