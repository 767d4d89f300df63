// Where to go after signing in: a path on this site, never another host. Checking the raw text is not enough:
// "/\t/evil.example/phish" starts with "/" and not "//", but browsers strip tabs and newlines from URLs (WHATWG
// URL), so it becomes "//evil.example/phish" and the signed-in page went to evil.example. The text is therefore
// parsed the way a browser parses it, and only a same-origin result survives, re-serialised from the parse.
// Browser-safe (URL is a web API); the server's login redirect and the login page share it.

const BASE = "http://skewdesk.invalid";

export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = url.pathname + url.search + url.hash;
  // "/.//evil" parses to the path "//evil", which a browser would read as another host: refuse what still
  // looks like one after parsing.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  if (url.pathname === "/login" || url.pathname.startsWith("/login/")) return "/";
  return path;
}
