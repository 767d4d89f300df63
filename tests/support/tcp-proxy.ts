// TCP stand-ins for a network that misbehaves: a server that accepts and never answers (a blackholed
// database), and a forwarding proxy that can be switched to swallow everything in both directions (a
// connection that hangs) and back.
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function shut(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Accepts every connection and never sends a byte. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
  });
  const port = await listen(server);
  return { port, close: () => shut(server, sockets) };
}

/** Forwards to host:port; while `hang` is on, bytes in both directions are dropped and new connections stay silent. */
export async function hangingProxy(host: string, port: number): Promise<{ port: number; hang(on: boolean): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let hanging = false;
  const server = createServer((client) => {
    sockets.add(client);
    client.on("error", () => undefined);
    client.on("close", () => sockets.delete(client));
    if (hanging) return; // accepted, never answered
    const upstream = connect(port, host);
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    client.on("data", (b) => {
      if (!hanging) upstream.write(b);
    });
    upstream.on("data", (b) => {
      if (!hanging) client.write(b);
    });
  });
  const listenPort = await listen(server);
  return {
    port: listenPort,
    hang(on) {
      hanging = on;
    },
    close: () => shut(server, sockets),
  };
}
