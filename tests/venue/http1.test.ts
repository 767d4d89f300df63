// The order path's own HTTP/1.1 client (server/venue/http1.ts) and the Hyperliquid sender on it: against
// scripted raw TCP and TLS servers that answer byte by byte, chunked, cut off or not at all. Each failure
// must keep today's meaning for the desk: no answer (dropped, cut off, past the deadline) is an unknown
// outcome (NetworkError, RequestTimeout for the deadline, never re-sent); an HTTP refusal is the venue's.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Http1Client, Http1Error } from "@/server/venue/http1";
import { ResponseParser } from "@/server/venue/http1-parse";
import { ExchangeSender } from "@/server/venue/hyperliquid/sender";
import { ExchangeError, NetworkError, RateLimitExceeded, RequestTimeout, VenueUnavailable } from "@/server/venue/errors";

interface Req {
  head: string;
  path: string;
  body: string;
}
type Handler = (req: Req, socket: net.Socket, n: number) => void;

/** A raw server: reads each request (head and Content-Length body) and lets `handler` answer on the socket. */
async function rawServer(handler: Handler, secure = false) {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const requests: Req[] = [];
  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buf = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.toString("latin1", 0, end);
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const req = { head, path: head.split(" ")[1]!, body: buf.toString("utf8", end + 4, end + 4 + len) };
        buf = buf.subarray(end + 4 + len);
        requests.push(req);
        handler(req, socket, n++);
      }
    });
  };
  const fixtures = join(import.meta.dirname, "fixtures");
  const server = secure ? tls.createServer({ key: readFileSync(join(fixtures, "tls-localhost.key")), cert: readFileSync(join(fixtures, "tls-localhost.crt")) }, onConnection) : net.createServer(onConnection);
  let connections = 0;
  server.on(secure ? "secureConnection" : "connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${secure ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

const ok = (body: string, extra = "") => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const ca = readFileSync(join(import.meta.dirname, "fixtures", "tls-localhost.crt"));

test("http1: a kept-alive connection is reused for the next request; the request carries its length and body", async () => {
  const srv = await rawServer((req, s) => s.write(ok(`{"echo":${req.body}}`, "Keep-Alive: timeout=5\r\n")));
  const c = new Http1Client(srv.url, { timeoutMs: 5_000 });
  try {
    for (let i = 0; i < 3; i++) {
      const r = await c.post("/exchange", `{"i":${i},"x":"é"}`);
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body.toString()), { echo: { i, x: "é" } });
    }
    assert.equal(srv.connections(), 1, "one connection for three requests in a row");
    assert.match(srv.requests[0]!.head, /^POST \/exchange HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(srv.requests[0]!.head, /\r\nContent-Length: 16$/i, "the UTF-8 byte length (16), not the string's (15)");
  } finally {
    c.close();
    await srv.close();
  }
});

test("http1: an answer split across TCP chunks anywhere (status line, headers, body) is read whole", async () => {
  const answer = ok('{"status":"ok","response":{"type":"cancel"}}', "X-Long: " + "a".repeat(300) + "\r\n");
  const srv = await rawServer((_req, s) => {
    // One byte per write, each after the previous one was flushed: the client sees many small chunks.
    let i = 0;
    const next = () => (i < answer.length ? s.write(answer[i++]!, () => setImmediate(next)) : undefined);
    next();
  });
  const c = new Http1Client(srv.url, { timeoutMs: 10_000 });
  try {
    const r = await c.post("/exchange", "{}");
    assert.deepEqual(JSON.parse(r.body.toString()), { status: "ok", response: { type: "cancel" } });
    assert.equal(r.headers.get("x-long"), "a".repeat(300));
    assert.equal((await c.post("/exchange", "{}")).status, 200);
    assert.equal(srv.connections(), 1);
  } finally {
    c.close();
    await srv.close();
  }
});

test("http1 parser: any split of a response into chunks gives the same response (Content-Length, chunked with extensions and trailers, 100 Continue first)", () => {
  const bodies = [
    ok('{"status":"ok"}'),
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{"sta\r\nA\r\ntus":"ok"}\r\n0\r\nX-Trailer: t\r\n\r\n',
    "HTTP/1.1 429 Too Many Requests\r\ncontent-length: 4\r\ncontent-length: 4\r\n\r\nnull",
  ];
  fc.assert(
    fc.property(fc.constantFrom(...bodies), fc.array(fc.nat(), { maxLength: 12 }), (text, cuts) => {
      const bytes = Buffer.from(text);
      const at = [...new Set(cuts.map((x) => x % bytes.length))].sort((a, b) => a - b);
      const p = new ResponseParser();
      let res = null;
      let prev = 0;
      for (const end of [...at, bytes.length]) {
        assert.equal(res, null, "complete only at the last byte");
        res = p.push(bytes.subarray(prev, end));
        prev = end;
      }
      assert.ok(res);
      assert.deepEqual(JSON.parse(res.body.toString()), text.includes("429") ? null : { status: "ok" });
      assert.equal(res.keepAlive, true);
    }),
    { seed: 10, numRuns: 300 },
  );
});

test("http1: a chunked answer is reassembled and the connection reused", async () => {
  const srv = await rawServer((_req, s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n0008\r\n":[1,2]}\r\n0\r\n\r\n'));
  const c = new Http1Client(srv.url, { timeoutMs: 5_000 });
  try {
    for (let i = 0; i < 2; i++) assert.deepEqual(JSON.parse((await c.post("/info", "{}")).body.toString()), { a: [1, 2] });
    assert.equal(srv.connections(), 1);
  } finally {
    c.close();
    await srv.close();
  }
});

test("http1: a body without length runs to the close; Connection: close and a short Keep-Alive hint are not reused", async () => {
  const answers = ["HTTP/1.1 200 OK\r\n\r\n{\"x\":1}", ok("1", "Connection: close\r\n"), ok("2", "Keep-Alive: timeout=1\r\n"), ok("3")];
  const srv = await rawServer((_req, s, n) => (n === 0 ? s.end(answers[0]!) : s.write(answers[Math.min(n, 3)]!)));
  const c = new Http1Client(srv.url, { timeoutMs: 5_000 });
  try {
    assert.deepEqual(JSON.parse((await c.post("/info", "{}")).body.toString()), { x: 1 });
    assert.equal((await c.post("/info", "{}")).body.toString(), "1");
    assert.equal((await c.post("/info", "{}")).body.toString(), "2");
    assert.equal((await c.post("/info", "{}")).body.toString(), "3");
    assert.equal(srv.connections(), 4, "a new connection after each of the first three answers");
  } finally {
    c.close();
    await srv.close();
  }
});

test("http1: a server closing an idle kept-alive connection: the next request goes on a new one", async () => {
  const srv = await rawServer((_req, s, n) => {
    s.write(ok(String(n)));
    if (n === 0) setTimeout(() => s.end(), 20); // the server drops the idle connection after its answer
  });
  const c = new Http1Client(srv.url, { timeoutMs: 5_000 });
  try {
    assert.equal((await c.post("/exchange", "{}")).body.toString(), "0");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await c.post("/exchange", "{}")).body.toString(), "1");
    assert.equal(srv.connections(), 2);
  } finally {
    c.close();
    await srv.close();
  }
});

test("sender: the connection dropped mid-answer or before one is NetworkError (unknown outcome), never a venue refusal; nothing is re-sent", async () => {
  const srv = await rawServer((_req, s, n) => {
    if (n === 0) s.end(ok('{"status":"ok","response":{"type":"default"}}').slice(0, 60)); // cut inside the headers
    else if (n === 1) s.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\""); // cut inside the body
    else s.destroy(); // no answer at all
  });
  const sender = new ExchangeSender(srv.url, 5_000);
  try {
    for (const [i, cut] of [[0, true], [1, true], [2, false]] as const) {
      await assert.rejects(sender.post(`{"i":${i}}`), (e: unknown) => {
        assert.ok(e instanceof NetworkError && !(e instanceof RequestTimeout), String(e));
        assert.equal(cut, /cut off/.test(e.message), e.message);
        return true;
      });
    }
    assert.equal(srv.requests.length, 3, "each request sent once");
  } finally {
    await sender.close();
    await srv.close();
  }
});

test("sender: no answer within the deadline is RequestTimeout; that connection is dropped, so its late answer is never read as the next one's", async () => {
  const srv = await rawServer((req, s, n) => {
    if (n === 0) setTimeout(() => !s.destroyed && s.write(ok('{"late":true}')), 300);
    else s.write(ok(req.body));
  });
  const sender = new ExchangeSender(srv.url, 100);
  try {
    await assert.rejects(sender.post('{"first":1}'), RequestTimeout);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await sender.post('{"second":2}'), { second: 2 });
    assert.equal(srv.connections(), 2);
    assert.equal(srv.requests.length, 2, "the timed-out request was not re-sent");
  } finally {
    await sender.close();
    await srv.close();
  }
});

test("sender: HTTP answers map as before — 429 RateLimitExceeded, 5xx VenueUnavailable, other 4xx ExchangeError, unreadable 200 NetworkError", async () => {
  const answers = ["HTTP/1.1 429 Too Many Requests\r\nContent-Length: 4\r\n\r\nnull", "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 6\r\n\r\nbad js", ok("<html>")];
  const srv = await rawServer((_req, s, n) => s.write(answers[n]!));
  const sender = new ExchangeSender(srv.url, 5_000);
  try {
    await assert.rejects(sender.post("{}"), RateLimitExceeded);
    await assert.rejects(sender.post("{}"), VenueUnavailable);
    await assert.rejects(sender.post("{}"), (e: unknown) => e instanceof ExchangeError && /HTTP 422 bad js/.test(e.message));
    await assert.rejects(sender.post("{}"), (e: unknown) => e instanceof NetworkError && /unreadable answer/.test(e.message));
    assert.equal(srv.connections(), 1, "answered refusals keep the connection");
  } finally {
    await sender.close();
    await srv.close();
  }
});

test("http1: an unreadable answer (bad status line, conflicting lengths) is a protocol failure and the connection is dropped", async () => {
  const answers = ["HTTP/2 200\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n{}"];
  const srv = await rawServer((_req, s, n) => s.write(answers[n] ?? ok("{}")));
  const c = new Http1Client(srv.url, { timeoutMs: 5_000 });
  try {
    for (let i = 0; i < 2; i++) await assert.rejects(c.post("/info", "{}"), (e: unknown) => e instanceof Http1Error && e.kind === "protocol");
    assert.equal((await c.post("/info", "{}")).status, 200);
    assert.equal(srv.connections(), 3);
  } finally {
    c.close();
    await srv.close();
  }
});

test("http1: more calls than connections wait their turn and are all answered; nothing listens once the client is closed", async () => {
  const srv = await rawServer((req, s) => setTimeout(() => s.write(ok(req.body)), 10));
  const c = new Http1Client(srv.url, { timeoutMs: 5_000, maxConnections: 2 });
  try {
    const bodies = await Promise.all(Array.from({ length: 6 }, (_, i) => c.post("/exchange", String(i)).then((r) => r.body.toString())));
    assert.deepEqual(bodies, ["0", "1", "2", "3", "4", "5"]);
    assert.equal(srv.connections(), 2);
  } finally {
    c.close();
    await srv.close();
  }
  await assert.rejects(c.post("/exchange", "{}"), (e: unknown) => e instanceof Http1Error && e.kind === "shutdown");
});

test("http1 over TLS: a server with a self-signed certificate is used when trusted (one handshake, kept alive) and refused otherwise", async () => {
  const srv = await rawServer((req, s) => s.write(ok(req.body)), true);
  const trusted = new Http1Client(srv.url.replace("127.0.0.1", "localhost"), { timeoutMs: 5_000, tls: { ca } });
  const untrusted = new ExchangeSender(srv.url, 5_000);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await trusted.post("/exchange", `{"i":${i}}`)).body.toString(), `{"i":${i}}`);
    assert.equal(srv.connections(), 1);
    await assert.rejects(untrusted.post("{}"), (e: unknown) => e instanceof NetworkError && /cannot connect/.test(e.message) && /self[- ]signed/i.test(e.message));
    assert.equal(srv.requests.length, 3, "nothing was sent to an untrusted server");
  } finally {
    trusted.close();
    await untrusted.close();
    await srv.close();
  }
});
