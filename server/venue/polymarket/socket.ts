// One WebSocket channel of the venue (market or user), kept open: it subscribes on every (re)connect,
// sends the venue's text "PING" keep-alive, treats a silence of stallMs (not even a "PONG") as a drop,
// and reconnects with a jittered exponential backoff. The venue does not replay what a socket missed:
// the owner is told of every drop and every (re)subscribe and reconciles over REST.
import WebSocket from "ws";

export interface SocketConfig {
  url: string;
  /** The subscription message sent after each connect (it may hold credentials: never logged). */
  subscribe: () => unknown;
  onEvents: (events: unknown[]) => void;
  onState: (state: "open" | "closed") => void;
  stallMs: number;
  pingMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Deadline for the TCP/WebSocket handshake. */
  connectMs: number;
  log: (line: string) => void;
}

export class ChannelSocket {
  lastMessageAt = 0;
  opens = 0;
  private ws: WebSocket | null = null;
  private closed = false;
  private attempt = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly cfg: SocketConfig) {}

  start(): void {
    this.connect();
    const ping = setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send("PING");
    }, this.cfg.pingMs);
    const watchdog = setInterval(() => this.checkStall(), Math.max(50, Math.floor(this.cfg.stallMs / 4)));
    for (const t of [ping, watchdog]) t.unref?.();
    this.timers.push(ping, watchdog);
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.cfg.url, { handshakeTimeout: this.cfg.connectMs });
    this.ws = ws;
    let open = false;
    ws.on("open", () => {
      open = true;
      this.attempt = 0;
      this.opens++;
      this.lastMessageAt = Date.now();
      ws.send(JSON.stringify(this.cfg.subscribe()));
      this.cfg.onState("open");
    });
    ws.on("message", (data) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      const text = data.toString();
      if (text === "PONG" || text === "PING") return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        this.cfg.log(`WebSocket ${this.name()}: a frame that is not JSON was ignored: ${text.slice(0, 80)}`);
        return;
      }
      this.cfg.onEvents(Array.isArray(parsed) ? parsed : [parsed]);
    });
    ws.on("error", (err) => this.cfg.log(`WebSocket ${this.name()}: ${err.message}`));
    ws.on("close", () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (open) this.cfg.onState("closed");
      if (this.closed) return;
      const wait = Math.min(this.cfg.backoffMaxMs, this.cfg.backoffMinMs * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.retry = setTimeout(() => this.connect(), wait);
      this.retry.unref?.();
    });
  }

  private name(): string {
    return new URL(this.cfg.url).pathname;
  }

  private checkStall(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const silent = Date.now() - this.lastMessageAt;
    if (silent < this.cfg.stallMs) return;
    this.cfg.log(`WebSocket ${this.name()} silent for ${silent} ms: reconnecting`);
    ws.terminate();
  }

  /** Whether the channel is open now. */
  isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.retry) clearTimeout(this.retry);
    this.ws?.terminate();
    this.ws = null;
  }
}
