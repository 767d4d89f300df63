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

async function request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
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
