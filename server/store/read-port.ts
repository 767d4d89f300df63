// A direct line from the web thread to the database thread, for reads only. History reads used to go web →
// runner → database and back: 5000 snapshots decoded, mapped and re-encoded on the runner's thread per request,
// so one viewer's 6,005 backfills raised the tick p99 from 116 to 324 ms. Over this port the runner's thread
// never sees them. Only the listed read methods answer: the port cannot write.
import type { MessagePort } from "node:worker_threads";
import { decodeValue, encodeValue, revive } from "@/server/store/remote-store";

export const READ_METHODS: ReadonlySet<string> = new Set(["listSnapshots", "listFills", "listOrders", "listAlerts"]);

type Call = { type: "call"; id: number; method: string; args: unknown };
type Result = { type: "result"; id: number; ok: true; value: unknown } | { type: "result"; id: number; ok: false; error: { name: string; message: string } };

/** Database thread side: answers read calls arriving on `port` from `store`. */
export function serveReadPort(port: MessagePort, store: Record<string, (...a: unknown[]) => Promise<unknown>>): void {
  port.on("message", async (m: Call) => {
    if (m?.type !== "call") return;
    let reply: Result;
    try {
      if (!READ_METHODS.has(m.method)) throw new Error(`${m.method} is not a read: the read port only reads`);
      reply = { type: "result", id: m.id, ok: true, value: encodeValue(await store[m.method]!.apply(store, decodeValue(m.args) as unknown[])) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { type: "result", id: m.id, ok: false, error: { name: e.name, message: e.message } };
    }
    port.postMessage(reply);
  });
}

export type ReadCall = (method: string, args: unknown[]) => Promise<unknown>;

/** Web thread side: calls over `port`; rejects everything pending (and later) once the port closes. */
export function readPortClient(port: MessagePort): ReadCall {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let closed = false;
  port.on("message", (m: Result) => {
    const p = pending.get(m?.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(decodeValue(m.value));
    else p.reject(revive(m.error));
  });
  port.on("close", () => {
    closed = true;
    for (const p of pending.values()) p.reject(new Error("database read port closed"));
    pending.clear();
  });
  // The port must not keep the process alive on its own.
  port.unref();
  return (method, args) => {
    if (closed) return Promise.reject(new Error("database read port closed"));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      port.postMessage({ type: "call", id, method, args: encodeValue(args) });
    });
  };
}
