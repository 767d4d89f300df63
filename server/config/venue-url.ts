// A URL from the environment: the secure scheme anywhere, the plain one only on this machine (a local fake
// venue, a local webhook relay). One schema for every live venue's override and the notification webhook.
import { z } from "zod";

export const isLoopbackUrl = (u: URL) => u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";

/** Unset or empty: undefined. Otherwise a `secure` URL, or a `plain` one on 127.0.0.1 / localhost. */
export const secureUrlSchema = (secure: string, plain: string, message = `must be a ${secure}// URL (${plain}// only for 127.0.0.1 / localhost)`) =>
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
