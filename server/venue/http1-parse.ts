// An incremental HTTP/1.1 response reader for http1.ts: bytes go in as the socket delivers them (an answer
// may arrive in any number of TCP chunks, split anywhere), one complete response comes out. It reads what
// a server may send to a client that sends no Expect and accepts no compression: a status line, headers,
// interim 1xx answers (skipped), and a body framed by Content-Length, by chunked transfer coding (with
// extensions and trailers), or by the connection closing. Anything malformed is an error, never a guess.

export interface Http1Response {
  status: number;
  /** Lower-case names; a repeated header's values joined by ", ". */
  headers: Map<string, string>;
  body: Buffer;
  /** The connection may carry another request (HTTP/1.1 without "Connection: close", and a framed body). */
  keepAlive: boolean;
}

export class Http1ParseError extends Error {}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 16 * 1024 * 1024;
const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");

type State = "head" | "fixed" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "until-close" | "done";

export class ResponseParser {
  private state: State = "head";
  /** Bytes received and not yet consumed. */
  private buf: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers = new Map<string, string>();
  private keepAlive = false;
  private body: Buffer[] = [];
  private bodyLength = 0;
  /** Bytes still expected: of a Content-Length body, or of the current chunk. */
  private remaining = 0;

  /** True once the first byte of an answer arrived (a connection that drops after that cut an answer off). */
  get started(): boolean {
    return this.state !== "head" || this.buf.length > 0 || this.status !== 0;
  }

  /** Feeds received bytes; the response once complete (bytes past its end are an error: we never pipeline). */
  push(chunk: Buffer): Http1Response | null {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const before = this.state;
      this.step();
      if (this.state === "done") {
        if (this.buf.length) throw new Http1ParseError(`${this.buf.length} bytes after the end of the response`);
        return this.result();
      }
      if (this.state === before && !this.progressed) return null;
    }
  }

  /** The connection closed: the response if its body runs to the close, else null (it was cut off). */
  end(): Http1Response | null {
    if (this.state !== "until-close") return null;
    this.state = "done";
    return this.result();
  }

  private progressed = false;

  private step(): void {
    this.progressed = false;
    switch (this.state) {
      case "head":
        return this.readHead();
      case "fixed":
        return this.readBody("done");
      case "chunk-size": {
        const line = this.line();
        if (line === null) return;
        const hex = line.split(";", 1)[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new Http1ParseError(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
        this.remaining = parseInt(hex, 16);
        return this.to(this.remaining === 0 ? "trailers" : "chunk-data");
      }
      case "chunk-data":
        return this.readBody("chunk-end");
      case "chunk-end": {
        if (this.buf.length < 2) return;
        if (this.buf[0] !== 0x0d || this.buf[1] !== 0x0a) throw new Http1ParseError("a chunk not followed by CRLF");
        this.consume(2);
        return this.to("chunk-size");
      }
      case "trailers": {
        const line = this.line();
        if (line === null) return;
        // Trailer fields carry nothing we use; the empty line ends the message.
        if (line === "") this.to("done");
        else this.progressed = true;
        return;
      }
      case "until-close": {
        if (this.buf.length) this.append(this.consume(this.buf.length));
        return;
      }
      case "done":
        return;
    }
  }

  private readHead(): void {
    const end = this.buf.indexOf(HEAD_END);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD) throw new Http1ParseError(`response head over ${MAX_HEAD} bytes`);
      return;
    }
    const lines = this.consume(end + 4).toString("latin1", 0, end).split("\r\n");
    const m = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: .*)?$/.exec(lines[0]!);
    if (!m) throw new Http1ParseError(`bad status line ${JSON.stringify(lines[0]!.slice(0, 60))}`);
    const status = Number(m[2]);
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const l = lines[i]!;
      const colon = l.indexOf(":");
      if (colon <= 0 || /[\s]/.test(l[colon - 1]!)) throw new Http1ParseError(`bad header line ${JSON.stringify(l.slice(0, 60))}`);
      const name = l.slice(0, colon).toLowerCase();
      const value = l.slice(colon + 1).trim();
      const prev = headers.get(name);
      headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
    }
    // An interim answer (100 Continue, 103 Early Hints): the real one follows.
    if (status < 200 && status !== 101) return this.to("head");
    if (status === 101) throw new Http1ParseError("unexpected protocol switch (101)");
    this.status = status;
    this.headers = headers;
    const connection = (headers.get("connection") ?? "").toLowerCase();
    this.keepAlive = m[1] === "1" ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const te = headers.get("transfer-encoding");
    const cl = headers.get("content-length");
    if (status === 204 || status === 304) return this.to("done");
    if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new Http1ParseError(`unsupported transfer coding ${JSON.stringify(te)}`);
      return this.to("chunk-size");
    }
    if (cl !== undefined) {
      // Repeated identical values (a proxy's duplicate) are one length; differing ones are an attack or a bug.
      const values = new Set(cl.split(",").map((v) => v.trim()));
      const v = [...values][0]!;
      if (values.size !== 1 || !/^\d{1,10}$/.test(v)) throw new Http1ParseError(`bad Content-Length ${JSON.stringify(cl)}`);
      this.remaining = Number(v);
      if (this.remaining > MAX_BODY) throw new Http1ParseError(`response body of ${this.remaining} bytes`);
      return this.to(this.remaining === 0 ? "done" : "fixed");
    }
    // No framing: the body is whatever arrives until the server closes the connection.
    this.keepAlive = false;
    return this.to("until-close");
  }

  /** Body bytes up to `remaining` (a Content-Length body or one chunk), then on to `next`. */
  private readBody(next: State): void {
    const take = Math.min(this.remaining, this.buf.length);
    if (take) this.append(this.consume(take));
    this.remaining -= take;
    if (this.remaining === 0) this.to(next);
  }

  private to(s: State): void {
    this.state = s;
    this.progressed = true;
  }

  /** One CRLF-terminated line (without it), consumed; null while incomplete. */
  private line(): string | null {
    const i = this.buf.indexOf(CRLF);
    if (i < 0) {
      if (this.buf.length > MAX_HEAD) throw new Http1ParseError("line too long");
      return null;
    }
    return this.consume(i + 2).toString("latin1", 0, i);
  }

  private consume(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  private append(b: Buffer): void {
    this.bodyLength += b.length;
    if (this.bodyLength > MAX_BODY) throw new Http1ParseError(`response body over ${MAX_BODY} bytes`);
    this.body.push(b);
  }

  private result(): Http1Response {
    return { status: this.status, headers: this.headers, body: this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body), keepAlive: this.keepAlive };
  }
}
