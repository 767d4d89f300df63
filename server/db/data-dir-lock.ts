// PGlite is single-process: two processes on one data folder corrupt it. A pid lock file refuses the second
// one; a lock left behind by a killed process (pid gone, or our own pid reused) is taken over.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

const openDirs = new Set<string>();
export const LOCK_FILE = ".skewdesk.lock";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryCreate(lockPath: string): boolean {
  try {
    writeFileSync(lockPath, String(process.pid), { flag: "wx" });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the folder for this process; returns the release function. Throws DataDirInUseError when held. */
export function lockDataDir(dir: string): () => void {
  if (openDirs.has(dir)) throw new DataDirInUseError(`PGlite data folder ${dir} is already open in this process`);
  const lockPath = join(dir, LOCK_FILE);
  if (!tryCreate(lockPath)) {
    const holder = readHolder(lockPath);
    if (holder !== undefined && holder !== process.pid && pidAlive(holder)) {
      throw new DataDirInUseError(`PGlite data folder ${dir} is in use by process ${holder}; stop it or set SKEWDESK_DATA_DIR elsewhere`);
    }
    // Stale: its process is gone. Exclusive create again, so of two processes racing for it only one wins.
    rmSync(lockPath, { force: true });
    if (!tryCreate(lockPath)) throw new DataDirInUseError(`PGlite data folder ${dir} was just taken by process ${readHolder(lockPath)}`);
  }
  openDirs.add(dir);
  return () => {
    openDirs.delete(dir);
    rmSync(lockPath, { force: true });
  };
}
