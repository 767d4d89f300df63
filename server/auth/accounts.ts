// Accounts: env-provided credentials (operator/viewer), a users file, and the first-run setup file in the
// data dir. Only bcrypt hashes are kept in memory; plain passwords are dropped once hashed.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { z } from "zod";
import type { Role } from "@/lib/events";
import { StartupRefused } from "@/server/auth/secret";

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "username is required")
  .max(64, "username is at most 64 characters")
  .regex(/^[A-Za-z0-9_.@-]+$/, "username may use letters, digits and _ . @ -");

export const accountRecordSchema = z
  .object({
    username: usernameSchema,
    role: z.enum(["viewer", "operator"]),
    passwordHash: z.string().regex(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/, "must be a bcrypt hash"),
  })
  .strict();
export type AccountRecord = z.infer<typeof accountRecordSchema>;

const usersFileSchema = z.union([z.array(accountRecordSchema), z.object({ users: z.array(accountRecordSchema) }).strict()]);

export const setupRequestSchema = z
  .object({
    username: usernameSchema,
    password: z.string().min(10, "password must be at least 10 characters").max(256, "password is at most 256 characters"),
  })
  .strict();

export interface Account {
  username: string;
  role: Role;
  passwordHash: string;
  source: "env" | "users-file" | "setup";
}

export class SetupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SetupRefused";
  }
}

export interface AccountSources {
  operatorPassword?: string;
  viewerPassword?: string;
  usersFile?: string;
  dataDir: string;
  bcryptRounds: number;
}

async function readAccountsFile(path: string, label: string): Promise<AccountRecord[] | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StartupRefused(`${label} (${path}) is not valid JSON`);
  }
  const parsed = usersFileSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new StartupRefused(`${label} (${path}) is invalid: ${detail}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.users;
}

export class AccountStore {
  private readonly accounts = new Map<string, Account>();
  private setupLock: Promise<unknown> = Promise.resolve();
  /** A hash compared against when the username is unknown, so that timing does not reveal which exist. */
  private readonly dummyHash: string;

  private constructor(private readonly sources: AccountSources) {
    this.dummyHash = bcrypt.hashSync("skewdesk-no-such-user", sources.bcryptRounds);
  }

  static async load(sources: AccountSources): Promise<AccountStore> {
    const store = new AccountStore(sources);
    const add = (a: Account) => {
      const key = a.username.toLowerCase();
      if (store.accounts.has(key)) {
        console.warn(`[auth] account "${a.username}" from ${a.source} ignored: already defined by ${store.accounts.get(key)!.source}`);
        return;
      }
      store.accounts.set(key, a);
    };
    if (sources.operatorPassword) {
      add({ username: "operator", role: "operator", passwordHash: await bcrypt.hash(sources.operatorPassword, sources.bcryptRounds), source: "env" });
    }
    if (sources.viewerPassword) {
      add({ username: "viewer", role: "viewer", passwordHash: await bcrypt.hash(sources.viewerPassword, sources.bcryptRounds), source: "env" });
    }
    if (sources.usersFile) {
      const records = await readAccountsFile(sources.usersFile, "SKEWDESK_USERS_FILE");
      if (records === null) throw new StartupRefused(`SKEWDESK_USERS_FILE (${sources.usersFile}) does not exist`);
      for (const r of records) add({ ...r, source: "users-file" });
    }
    for (const r of (await readAccountsFile(store.setupPath, "users.json")) ?? []) add({ ...r, source: "setup" });
    return store;
  }

  get setupPath(): string {
    return join(this.sources.dataDir, "users.json");
  }

  get size(): number {
    return this.accounts.size;
  }

  find(username: string): Account | undefined {
    return this.accounts.get(username.trim().toLowerCase());
  }

  /** The account when the password matches; null otherwise (same cost whether or not the user exists). */
  async verify(username: string, password: string): Promise<Account | null> {
    const account = this.find(username);
    const ok = await bcrypt.compare(password, account?.passwordHash ?? this.dummyHash);
    return ok && account ? account : null;
  }

  /** First-run setup: creates the operator account once; refused as soon as any account exists. */
  async setup(username: string, password: string): Promise<Account> {
    const run = this.setupLock.then(async () => {
      if (this.accounts.size > 0) throw new SetupRefused("Setup is already done: an account exists");
      const account: Account = {
        username,
        role: "operator",
        passwordHash: await bcrypt.hash(password, this.sources.bcryptRounds),
        source: "setup",
      };
      const record: AccountRecord = { username: account.username, role: account.role, passwordHash: account.passwordHash };
      await mkdir(this.sources.dataDir, { recursive: true });
      try {
        // wx: never overwrite accounts another process created meanwhile.
        await writeFile(this.setupPath, JSON.stringify([record], null, 2) + "\n", { mode: 0o600, flag: "wx" });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new SetupRefused("Setup is already done: users.json exists");
        throw err;
      }
      await chmod(this.setupPath, 0o600);
      this.accounts.set(username.toLowerCase(), account);
      return account;
    });
    this.setupLock = run.catch(() => undefined);
    return run;
  }
}
