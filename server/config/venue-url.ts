// A venue's URL override from the environment: the secure scheme anywhere, the plain one only on this machine
// (a local fake). One schema for every live venue's configuration.
import { z } from "zod";

export const isLoopbackUrl = (u: URL) => u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";

/** Unset or empty: undefined. Otherwise a `secure` URL, or a `plain` one on 127.0.0.1 / localhost. */
export const venueUrlSchema = (secure: string, plain: string, message = `must be a ${secure}// URL (${plain}// only for 127.0.0.1 / localhost)`) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => {
      if (v === undefined) return true;
      try {
        const u = new URL(v);
        return u.protocol === secure || (u.protocol === plain && isLoopbackUrl(u));
      } catch {
        return false;
      }
    }, message);
