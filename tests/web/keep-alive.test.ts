// A kept-alive connection outlives Node's default 5 s idle limit, so a client or reverse proxy that
// reuses it (nginx keeps upstream sockets 60 s; Playwright's request context ignores the Keep-Alive
// hint) does not meet a socket the desk is closing. The CI once failed a browser test on that race.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { WebHarness } from "@/tests/support/web-harness";

let h: WebHarness;
before(async () => {
  h = await WebHarness.start({ login: false });
});
after(() => h.close());

/** Sends one GET on the socket and resolves with the response's head, or rejects if the socket ends first. */
function getOn(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const onData = (b: Buffer) => {
      got += b.toString("latin1");
      const end = got.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(got)?.[1] ?? "0");
      if (got.length < end + 4 + length) return;
      cleanup();
      resolve(got.slice(0, end));
    };
    const onEnd = () => {
      cleanup();
      reject(new Error(`the server closed the connection before answering ${path}`));
    };
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("close", onEnd);
      socket.off("end", onEnd);
    };
    socket.on("data", onData);
    socket.on("close", onEnd);
    socket.on("end", onEnd);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${h.server.port}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

test("a connection idle past 5 s still carries the next request", async () => {
  const socket = connect(h.server.port, "127.0.0.1");
  socket.on("error", () => undefined); // the read below reports a closed connection
  try {
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    assert.match(await getOn(socket, "/api/health"), /^HTTP\/1\.1 200/);
    await sleep(6_000); // past Node's default keepAliveTimeout (5 s), which closed the socket here
    assert.match(await getOn(socket, "/api/health"), /^HTTP\/1\.1 200/, "the same connection answers");
  } finally {
    socket.destroy();
  }
});
