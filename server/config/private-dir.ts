// The data folder holds the database, the fill journal, the session secret, the accounts and the login
// throttle: nobody but the desk's own user may read it. PGlite wrote its files 0644 into 0755 folders, so any
// local user could read every order, fill and parameter; a folder of mode 0700 closes all of it at once,
// including files written before this was fixed.
import { chmodSync, mkdirSync } from "node:fs";

/** Creates `dir` (and missing parents) as 0700 and makes an existing one 0700. Never widens anything. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
