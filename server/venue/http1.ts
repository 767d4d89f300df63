// A minimal HTTP/1.1 client for one origin: POST with a body on kept-alive connections, one request in
// flight per connection (no pipelining), a few connections. It exists for the order path: node's http
// client spends ~0.4–0.7 ms of CPU between a request handed to it and the bytes on the socket (options
// normalisation, header validation, the agent's queue, a process.nextTick before the write); here a
// request on a free connection is one string, written by socket.write() before request() returns.
//
// What it keeps of the general client, because the order path depends on it:
// - a deadline on every call, from the call: past it the call rejects with kind "timeout" and the
//   connection is destroyed (a late answer must never be read as the next request's);
// - TLS for https origins (SNI, ALPN http/1.1, session resumption on reconnects);
// - connections the server closed while idle are dropped from the pool, and idle ones are closed a second
//   before the server's Keep-Alive timeout (or after idleMs), so a request rarely meets a closing socket;
// - failures say what happened: "connect" (no connection: nothing was sent), "closed" (the connection
//   ended before any answer), "cut" (it ended mid-answer), "protocol" (an answer we cannot read),
//   "timeout". Whether the server acted on a request that got no answer is unknown: nothing is re-sent.
import net from "node:net";
import tls from "node:tls";
import { Http1ParseError, ResponseParser, type Http1Response } from "./http1-parse";

export type { Http1Response } from "./http1-parse";

export type Http1FailureKind = "connect" | "closed" | "cut" | "protocol" | "timeout" | "shutdown";

export class Http1Error extends Error {
  constructor(
    readonly kind: Http1FailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Http1Options {
  /** Deadline of every call, from the call to the complete answer, ms. */
  timeoutMs: number;
  /** Connections at most (requests beyond wait for one). Default 16. */
  maxConnections?: number;
  /** An idle connection is closed after this long (or a second before the server's Keep-Alive timeout). Default 30 s. */
  idleMs?: number;
  /** Extra TLS options (tests: the `ca` of a self-signed server). */
  tls?: tls.ConnectionOptions;
}

interface Call {
  text: string;
  path: string;
  resolve: (r: Http1Response) => void;
  reject: (e: Http1Error) => void;
  timer: ReturnType<typeof setTimeout> | null;
  conn: Conn | null;
  done: boolean;
}

interface Conn {
  socket: net.Socket;
  call: Call | null;
  /** Reads the current call's answer: made when its first byte arrives (nothing on the way to the write). */
  parser: ResponseParser | null;
  /** The socket is connected (and for TLS, the handshake done). */
  open: boolean;
  idleUntil: number;
  dead: boolean;
}

export class Http1Client {
  readonly origin: URL;
  /** Benchmarks: a connection was taken for `path` ("socket"), the request was handed to the kernel ("written"). */
  onWrite: ((path: string, phase: "socket" | "written") => void) | null = null;
  private readonly secure: boolean;
  private readonly host: string;
  private readonly port: number;
  private readonly heads = new Map<string, string>();
  private readonly idle: Conn[] = [];
  private readonly conns = new Set<Conn>();
  private readonly queue: Call[] = [];
  private readonly max: number;
  private readonly idleMs: number;
  private session: Buffer | undefined;
  private closed = false;

  constructor(
    origin: string | URL,
    private readonly opts: Http1Options,
  ) {
    this.origin = new URL(origin);
    this.secure = this.origin.protocol === "https:";
    if (!this.secure && this.origin.protocol !== "http:") throw new Error(`http1: ${this.origin.protocol} is not http or https`);
    this.host = this.origin.hostname.replace(/^\[(.*)\]$/, "$1");
    this.port = Number(this.origin.port || (this.secure ? 443 : 80));
    this.max = opts.maxConnections ?? 16;
    this.idleMs = opts.idleMs ?? 30_000;
  }

  /** POSTs `body` (JSON) to `path`; resolves with the complete answer whatever its status. */
  post(path: string, body: string): Promise<Http1Response> {
    return new Promise<Http1Response>((resolve, reject) => {
      if (this.closed) return reject(new Http1Error("shutdown", "http1: the client is closed"));
      const call: Call = { text: `${this.head(path)}${Buffer.byteLength(body)}\r\n\r\n${body}`, path, resolve, reject, timer: null, conn: null, done: false };
      const conn = this.takeIdle();
      if (conn) this.write(conn, call);
      else if (this.conns.size < this.max) this.write(this.connect(), call);
      else this.queue.push(call);
      // Armed after the write: nothing on the way to the socket waits for a timer to be created.
      if (!call.done) call.timer = setTimeout(() => this.timeout(call), this.opts.timeoutMs);
    });
  }

  /** Opens `n` connections ahead of need (each with a request to `path`: the server sees it is alive). */
  async warm(path: string, body: string, n = 1): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => this.post(path, body).catch(() => {})));
  }

  /** Destroys every connection; calls under way fail with kind "shutdown". */
  close(): void {
    this.closed = true;
    for (const c of this.queue.splice(0)) this.fail(c, new Http1Error("shutdown", "http1: the client closed"));
    for (const conn of [...this.conns]) this.kill(conn, new Http1Error("shutdown", "http1: the client closed"));
  }

  /** The request head up to the length's digits, built once per path. */
  private head(path: string): string {
    let h = this.heads.get(path);
    if (h === undefined) {
      if (!/^\/[\x21-\x7e]*$/.test(path)) throw new Error(`http1: bad path ${JSON.stringify(path)}`);
      h = `POST ${path} HTTP/1.1\r\nHost: ${this.origin.host}\r\nContent-Type: application/json\r\nAccept: application/json\r\nConnection: keep-alive\r\nContent-Length: `;
      this.heads.set(path, h);
    }
    return h;
  }

  /** The most recently used idle connection that is still good (most likely still open at the server). */
  private takeIdle(): Conn | null {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (!c.dead && c.idleUntil > Date.now()) return c;
      this.kill(c, null);
    }
    return null;
  }

  private write(conn: Conn, call: Call): void {
    conn.call = call;
    call.conn = conn;
    conn.parser = null;
    this.onWrite?.(call.path, "socket");
    // On an open socket this is the write(2) itself; on one still connecting, node sends it on connect.
    conn.socket.write(call.text);
    if (conn.open) this.onWrite?.(call.path, "written");
    else if (this.onWrite) conn.socket.once(this.secure ? "secureConnect" : "connect", () => this.onWrite?.(call.path, "written"));
    conn.socket.ref();
  }

  private connect(): Conn {
    const opts = { host: this.host, port: this.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 1_000 };
    const socket = this.secure
      ? tls.connect({ ...opts, servername: net.isIP(this.host) ? undefined : this.host, ALPNProtocols: ["http/1.1"], session: this.session, ...this.opts.tls })
      : net.connect(opts);
    const conn: Conn = { socket, call: null, parser: null, open: false, idleUntil: 0, dead: false };
    this.conns.add(conn);
    socket.once(this.secure ? "secureConnect" : "connect", () => (conn.open = true));
    if (this.secure) socket.on("session", (s: Buffer) => (this.session = s));
    socket.on("data", (chunk: Buffer) => this.onData(conn, chunk));
    socket.on("error", (err) => this.onEnd(conn, err));
    socket.on("close", () => this.onEnd(conn, null));
    return conn;
  }

  private onData(conn: Conn, chunk: Buffer): void {
    const call = conn.call;
    if (!call) return this.kill(conn, null); // bytes nobody asked for: the connection is not in a state we know
    let res: Http1Response | null;
    try {
      res = (conn.parser ??= new ResponseParser()).push(chunk);
    } catch (err) {
      return this.kill(conn, new Http1Error("protocol", `http1: unreadable answer: ${(err as Error).message}`, { cause: err }));
    }
    if (!res) return;
    conn.call = null;
    this.succeed(call, res);
    if (!res.keepAlive || this.closed) return this.kill(conn, null);
    this.release(conn, res);
  }

  /** An answered connection goes back to the pool, or straight to the next waiting call. */
  private release(conn: Conn, res: Http1Response): void {
    const next = this.queue.shift();
    if (next) return this.write(conn, next);
    const hint = /\btimeout=(\d+)/.exec(res.headers.get("keep-alive") ?? "");
    const serverMs = hint ? Number(hint[1]) * 1000 - 1000 : Infinity;
    if (serverMs <= 0) return this.kill(conn, null);
    conn.idleUntil = Date.now() + Math.min(this.idleMs, serverMs);
    conn.socket.unref(); // an idle connection never keeps the process alive
    this.idle.push(conn);
  }

  private onEnd(conn: Conn, err: Error | null): void {
    const call = conn.call;
    if (call && !err) {
      // A body that runs to the close is complete now; otherwise the answer was cut off or never came.
      const res = conn.parser?.end() ?? null;
      if (res) {
        conn.call = null;
        this.succeed(call, res);
      }
    }
    this.kill(conn, call ? this.endError(conn, err) : null);
  }

  private endError(conn: Conn, err: Error | null): Http1Error {
    const why = err ? `: ${err.message}` : "";
    if (!conn.open) return new Http1Error("connect", `http1: cannot connect to ${this.origin.host}${why}`, { cause: err });
    if (conn.parser?.started) return new Http1Error("cut", `http1: the connection ended mid-answer${why}`, { cause: err });
    return new Http1Error("closed", `http1: the connection ended before an answer${why}`, { cause: err });
  }

  /** Removes a connection for good; its call (if any) fails with `err`; a waiting call gets a new connection. */
  private kill(conn: Conn, err: Http1Error | null): void {
    const call = conn.call;
    conn.call = null;
    if (!conn.dead) {
      conn.dead = true;
      this.conns.delete(conn);
      const i = this.idle.indexOf(conn);
      if (i >= 0) this.idle.splice(i, 1);
      conn.socket.destroy();
    }
    if (call) this.fail(call, err ?? new Http1Error("closed", "http1: the connection was closed"));
    if (this.queue.length && !this.closed && this.conns.size < this.max) this.write(this.connect(), this.queue.shift()!);
  }

  private timeout(call: Call): void {
    if (call.done) return;
    const err = new Http1Error("timeout", `http1: no complete answer within ${this.opts.timeoutMs} ms`);
    const q = this.queue.indexOf(call);
    if (q >= 0) this.queue.splice(q, 1);
    if (call.conn && call.conn.call === call) this.kill(call.conn, err);
    else this.fail(call, err);
  }

  private succeed(call: Call, res: Http1Response): void {
    if (call.done) return;
    call.done = true;
    if (call.timer) clearTimeout(call.timer);
    call.resolve(res);
  }

  private fail(call: Call, err: Http1Error): void {
    if (call.done) return;
    call.done = true;
    if (call.timer) clearTimeout(call.timer);
    call.reject(err);
  }
}

export { Http1ParseError };
