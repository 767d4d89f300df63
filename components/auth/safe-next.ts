// The login page's redirect check: the same one the server uses (lib/safe-next.ts).
export { safeNext } from "@/lib/safe-next";
