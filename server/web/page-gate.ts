// Pages need a session too: a page request without one is redirected to /login?next=<where it was going>.
// The login page itself and the static assets it needs stay reachable.

import { safeNext } from "@/lib/safe-next";

const PUBLIC_PREFIXES = ["/_next/", "/favicon", "/login", "/robots.txt"];
const DEV_PREFIXES = ["/__nextjs"];

export function isPublicPage(pathname: string, dev: boolean): boolean {
  // The image optimizer fetches and re-encodes on request: not for visitors without a session.
  if (pathname === "/_next/image" || pathname.startsWith("/_next/image/")) return false;
  if (pathname === "/login" || pathname.startsWith("/login/") || pathname.startsWith("/login?")) return true;
  const prefixes = dev ? [...PUBLIC_PREFIXES, ...DEV_PREFIXES] : PUBLIC_PREFIXES;
  return prefixes.some((p) => p !== "/login" && pathname.startsWith(p));
}

/** Where to send an unauthenticated visitor: only a same-site path, never another host (lib/safe-next.ts). */
export function loginRedirect(pathAndQuery: string): string {
  return `/login?next=${encodeURIComponent(safeNext(pathAndQuery))}`;
}
