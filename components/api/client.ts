// The one way the browser talks to the JSON API: same-origin fetch with the session cookie, JSON in and
// out, and every 4xx turned into an ApiError carrying the server's message and per-field errors.
import type { ApiErrorDTO } from "@/lib/events";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isApiErrorBody(x: unknown): x is ApiErrorDTO {
  return typeof x === "object" && x !== null && typeof (x as { error?: unknown }).error === "string";
}

// A strategy page of the desk asks about its strategy: its calls go under /api/s/<id>/. The sign-in, the
// desk's own routes, notifications and the activity log are the desk's, whoever asks.
let strategyScope: string | null = null;
const DESK_WIDE = /^\/api\/(auth|desk|notify|audit|health)(\/|$|\?)/;

/** Sets which strategy this page's calls and live stream are about (null: the desk's default strategy). */
export function setStrategyScope(id: string | null): boolean {
  if (strategyScope === id) return false;
  strategyScope = id;
  return true;
}

export function currentStrategyScope(): string | null {
  return strategyScope;
}

function scoped(path: string): string {
  if (!strategyScope || !path.startsWith("/api/") || DESK_WIDE.test(path)) return path;
  return `/api/s/${strategyScope}${path.slice(4)}`;
}

async function request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(scoped(path), {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError("Server unreachable", 0);
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    if (isApiErrorBody(data)) throw new ApiError(data.error, res.status, data.fields);
    throw new ApiError(`${res.status} ${res.statusText || "request failed"}`, res.status);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body),
};

/** A session that expired mid-use sends the operator back to the login page, then here again. */
export function redirectToLogin(): void {
  if (typeof window === "undefined" || window.location.pathname.startsWith("/login")) return;
  const next = window.location.pathname + window.location.search;
  window.location.replace(`/login?next=${encodeURIComponent(next)}`);
}
