// The runner thread's scheduling priority (SKEWDESK_RUNNER_NICE). On a machine whose cores are shared, a
// book's re-quote can sit runnable for milliseconds while other threads hold the cores: the desk's own work
// takes ~0.3–0.5 ms, the wait for a core up to a few ms (bench/book-to-order.ts shows both). A lower nice
// value makes the kernel hand the runner thread a core sooner; only the runner's thread is raised, not the
// web thread that renders pages.
// On Linux a nice value belongs to a thread: setpriority(PRIO_PROCESS, 0, n), which os.setPriority(n) calls,
// sets the calling thread's. Threads it starts afterwards inherit it, and so would a process it spawned (a
// child takes the nice value of the thread that forks it): the runner thread spawns none; anything it ever
// does spawn would run at the runner's priority. Elsewhere than Linux it may be the process's.
import { readFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

export interface PriorityOutcome {
  /** The nice value read back after the change (null when the system does not say). */
  nice: number | null;
  line: string;
}

/** The calling thread's nice value, from /proc (Linux); null where there is none. */
export function threadNice(): number | null {
  try {
    // Field 19 of stat; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const nice = Number(fields[16]);
    return Number.isInteger(nice) ? nice : null;
  } catch {
    return null;
  }
}

/**
 * Sets the calling thread's nice value. Throws, with what to do, when the system refuses (a value below the
 * current one needs root or CAP_SYS_NICE): an operator who asked for a priority must not run without it unawares.
 */
export function setThreadNice(nice: number, set: (n: number) => void = (n) => setPriority(n)): PriorityOutcome {
  try {
    set(nice);
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    const why = /EACCES|EPERM/.test(`${code} ${(err as Error).message}`)
      ? "a nice value below 0 (or below the current one) needs root or the CAP_SYS_NICE capability (systemd: AmbientCapabilities=CAP_SYS_NICE); unset SKEWDESK_RUNNER_NICE to run at the default priority"
      : (err as Error).message;
    throw new Error(`SKEWDESK_RUNNER_NICE=${nice}: the runner thread's priority could not be set: ${why}`);
  }
  const read = threadNice() ?? safeGetPriority();
  return { nice: read, line: `runner thread priority: nice ${read ?? nice}${read !== null && read !== nice ? ` (asked ${nice})` : ""}` };
}

function safeGetPriority(): number | null {
  try {
    return getPriority();
  } catch {
    return null;
  }
}
