// The database's own thread: opens (and migrates) the database and serves Store calls by message.
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { createDb, type DbOptions } from "@/server/db";
import { createPrismaStore } from "@/server/store/prisma-store";
import { serveReadPort } from "@/server/store/read-port";
import { decodeValue, encodeValue, type DbThreadMessage } from "@/server/store/remote-store";

const port = parentPort!;
const post = (m: DbThreadMessage) => port.postMessage(m);

async function main(): Promise<void> {
  // Callbacks cannot cross a thread: the desk lock's losses travel as events to the store's owner.
  const db = await createDb({
    ...(workerData as { options: DbOptions }).options,
    onLockLost: (why) => post({ type: "event", event: "lockLost", detail: why }),
    onLockRegained: () => post({ type: "event", event: "lockRegained", detail: "" }),
  });
  const store = createPrismaStore(db) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  port.on("message", async (m: { type: "call"; id: number; method: string; args: unknown } | { type: "port"; port: MessagePort }) => {
    if (m.type === "port") return serveReadPort(m.port, store);
    try {
      let value: unknown;
      if (m.method === "$close") value = await db.close();
      else {
        const fn = store[m.method];
        if (typeof fn !== "function") throw new Error(`unknown store method ${m.method}`);
        value = await fn.apply(store, decodeValue(m.args) as unknown[]);
      }
      post({ type: "result", id: m.id, ok: true, value: encodeValue(value) });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // Own enumerable fields (e.g. a stale version's numbers) travel with the name and message.
      const props: Record<string, unknown> = Object.fromEntries(Object.entries(e).filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v)));
      // The SQLSTATE sits in a nested object that does not cross: carry it, so the write queue can tell a write
      // the database refused (23505, 22003) from a lost connection.
      const cause = (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } }).meta?.driverAdapterError?.cause;
      const sqlState = cause?.originalCode ?? cause?.code;
      if (typeof sqlState === "string") props.sqlState = sqlState;
      post({ type: "result", id: m.id, ok: false, error: { name: e.name, message: e.message, props } });
    }
  });
  post({ type: "ready", kind: db.kind, location: db.location });
}

main().catch((err: unknown) => post({ type: "fatal", message: err instanceof Error ? err.message : String(err) }));
