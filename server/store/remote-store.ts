// A Store whose database lives in another thread. The embedded database (PGlite) computes in the thread
// that calls it; giving it a thread of its own keeps its work off the runner's event loop. Calls cross as
// messages: decimal.js values are tagged so they arrive as Decimals, Dates survive structured clone, and
// a store error arrives with its name (callers match on it) and message.
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import Decimal from "decimal.js";
import type { DbOptions } from "@/server/db";
import * as storeErrors from "@/server/store/errors";
import type { Store } from "@/server/store/port";

/** Rebuilds the store's own error class from its name, so `instanceof` works across the thread boundary. */
export function revive(error: { name: string; message: string; props?: Record<string, unknown> }): Error {
  const cls = (storeErrors as Record<string, unknown>)[error.name];
  const e: Error = typeof cls === "function" ? Object.create((cls as { prototype: Error }).prototype) : new Error();
  Object.assign(e, error.props ?? {}, { message: error.message, name: error.name });
  e.stack = `${error.name}: ${error.message}\n    (in the database thread)`;
  return e;
}

type Encoded = unknown;
const DEC = "$decimal";

export function encodeValue(v: unknown): Encoded {
  if (Decimal.isDecimal(v)) return { [DEC]: (v as Decimal).toString() };
  if (v === null || typeof v !== "object" || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x);
  return out;
}

export function decodeValue(v: Encoded): unknown {
  if (v === null || typeof v !== "object" || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  if (typeof o[DEC] === "string" && Object.keys(o).length === 1) return new Decimal(o[DEC]);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
  return out;
}

/** Things the database thread reports on its own: the desk lock's connection broke, or it was re-taken. */
export type DbEvent = "lockLost" | "lockRegained";

export type DbThreadMessage =
  | { type: "ready"; kind: string; location: string }
  | { type: "event"; event: DbEvent; detail: string }
  | { type: "fatal"; message: string }
  | { type: "result"; id: number; ok: true; value: Encoded }
  | { type: "result"; id: number; ok: false; error: { name: string; message: string; props?: Record<string, unknown> } };

export interface RemoteStore extends Store {
  readonly kind: string;
  readonly location: string;
  /** A port straight to the database thread for reads (read-port.ts), to hand to another thread. */
  openReadPort(): MessagePort;
  /** Listens for the database thread's own reports (see DbEvent); returns the unsubscribe. */
  onDbEvent(listener: (event: DbEvent, detail: string) => void): () => void;
  close(): Promise<void>;
}

/** Opens the database in a new thread (migrations included) and returns a Store that talks to it. */
export async function openRemoteStore(options: DbOptions): Promise<RemoteStore> {
  // Functions cannot be cloned into the thread; its lock reports come back as DbEvents instead.
  const { onLockLost, onLockRegained, ...plain } = options;
  const listeners = new Set<(event: DbEvent, detail: string) => void>();
  if (onLockLost || onLockRegained) listeners.add((e, d) => (e === "lockLost" ? onLockLost?.(d) : onLockRegained?.()));
  const worker = new Worker(new URL("./db-thread-boot.mjs", import.meta.url), { workerData: { options: plain } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let dead: string | null = null;
  const failAll = (why: string) => {
    dead = why;
    for (const p of pending.values()) p.reject(new Error(`database thread stopped: ${why}`));
    pending.clear();
  };
  const info = await new Promise<{ kind: string; location: string }>((resolve, reject) => {
    worker.on("message", (m: DbThreadMessage) => {
      if (m.type === "ready") resolve({ kind: m.kind, location: m.location });
      else if (m.type === "event") for (const l of listeners) l(m.event, m.detail);
      else if (m.type === "fatal") reject(new Error(m.message));
      else if (m.type === "result") {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) p.resolve(decodeValue(m.value));
        else p.reject(revive(m.error));
      }
    });
    worker.on("error", (err) => {
      failAll(err.message);
      reject(err);
    });
    worker.on("exit", (code) => {
      failAll(`exited with code ${code}`);
      reject(new Error(`database thread exited with code ${code}`));
    });
  });

  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (dead) return Promise.reject(new Error(`database thread stopped: ${dead}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: "call", id, method, args: encodeValue(args) });
    });
  };

  const base = {
    kind: info.kind,
    location: info.location,
    openReadPort() {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ type: "port", port: port2 }, [port2]);
      return port1;
    },
    onDbEvent(listener: (event: DbEvent, detail: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      if (dead) return;
      await call("$close", []);
      await worker.terminate();
    },
  };
  return new Proxy(base, {
    get(target, prop) {
      if (prop in target) return (target as Record<string | symbol, unknown>)[prop];
      if (typeof prop !== "string" || prop === "then") return undefined;
      return (...args: unknown[]) => call(prop, args);
    },
  }) as unknown as RemoteStore;
}
