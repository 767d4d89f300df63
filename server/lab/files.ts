// The recorded files the lab can replay: the sample shipped with the replay venue, files an operator put in
// `<data>/replays/`, and what the desk recorded itself in `<data>/recordings/`. A name from the browser is a
// bare file name (lib/lab/types.ts), resolved inside its folder only.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { LabFileDTO, LabMarket } from "@/lib/lab/types";

export const SAMPLE_REPLAY = fileURLToPath(new URL("../venue/replay/sample.jsonl", import.meta.url));

export function labFolders(dataDir: string): { replays: string; recordings: string } {
  return { replays: resolve(dataDir, "replays"), recordings: resolve(dataDir, "recordings") };
}

const REPLAY_NAME = /^[\w][\w.-]{0,199}\.(jsonl|ndjson|csv)$/;

export function listLabFiles(dataDir: string): LabFileDTO[] {
  const out: LabFileDTO[] = [];
  const st = statSync(SAMPLE_REPLAY);
  out.push({ source: "sample", file: "sample.jsonl", bytes: st.size, modifiedAt: st.mtimeMs });
  const folders = labFolders(dataDir);
  for (const source of ["recordings", "replays"] as const) {
    const dir = folders[source];
    if (!existsSync(dir)) continue;
    const names = readdirSync(dir).filter((n) => REPLAY_NAME.test(n));
    for (const file of names.sort().reverse()) {
      const s = statSync(join(dir, file));
      if (s.isFile() && s.size > 0) out.push({ source, file, bytes: s.size, modifiedAt: s.mtimeMs });
    }
  }
  return out;
}

export class LabFileMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabFileMissing";
  }
}

/** The absolute path of a replay market's file; throws LabFileMissing naming the folder when it is not there. */
export function resolveLabFile(m: Extract<LabMarket, { kind: "replay" }>, dataDir: string): string {
  if (m.source === "sample") return SAMPLE_REPLAY;
  const dir = labFolders(dataDir)[m.source];
  const name = m.file ?? "";
  if (!REPLAY_NAME.test(name)) throw new LabFileMissing(`"${name}" is not a replay file name`);
  const path = join(dir, name);
  if (!existsSync(path)) throw new LabFileMissing(`no file ${name} in ${dir}`);
  return path;
}
