// Messages between the web thread and the runner worker. Only plain data crosses (structured clone).
import type { MessagePort } from "node:worker_threads";
import type { RunnerEvents } from "@/server/runner/commands";
import type { DeskOverviewDTO } from "@/lib/desk";

export interface WorkerInit {
  dataDir: string;
  mode: "paper" | "live";
  env: Record<string, string | undefined>;
}

/** `strategyId`: which strategy a strategy call is about (absent: the desk's default strategy). */
export type CallMessage = { type: "call"; id: number; method: string; args: unknown[]; strategyId?: string };

export type SerializedError = { name: string; message: string; fields?: Record<string, string>; status?: number };

export type WorkerMessage =
  | { type: "ready"; defaultStrategyId: string }
  /** The desk overview, once a second. */
  | { type: "desk"; overview: DeskOverviewDTO }
  /** A port to the database thread for history reads (server/store/read-port.ts), sent before "ready". */
  | { type: "readPort"; port: MessagePort; strategyId: string }
  | { type: "fatal"; message: string }
  | { type: "result"; id: number; ok: true; value: unknown }
  | { type: "result"; id: number; ok: false; error: SerializedError }
  | { [K in keyof RunnerEvents]: { type: "event"; event: K; payload: RunnerEvents[K]; strategyId?: string } }[keyof RunnerEvents];
