// What a route of the JSON API declares (method, path, who may call it, the schema of its body or query) and
// what it answers with; api.ts dispatches the routes that the *-routes.ts files declare.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Session } from "@/server/auth/session";

export type Access = "public" | "session-optional" | "viewer" | "operator";

/** A response with a status or headers other than 200 + JSON body. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string | string[]> = {},
  ) {}
}

export interface Ctx<B, Q> {
  req: IncomingMessage;
  session: Session | null;
  ip: string;
  body: B;
  query: Q;
}

export interface Route<B = unknown, Q = unknown> {
  method: "GET" | "POST";
  path: string;
  access: Access;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** Accept a POST without a body (logout). */
  allowEmptyBody?: boolean;
  handle(ctx: Ctx<B, Q>): Promise<Reply | unknown>;
}

/** Puts a mutation on the audit trail; api.ts gives each strategy's routes one that names the strategy. */
export type Audit = (ctx: Pick<Ctx<unknown, unknown>, "session" | "ip">, action: string, target: string, before?: unknown, after?: unknown) => Promise<void>;

export const noQuery = z.object({}).strict();
export const noBody = z.object({}).strict().optional();

/**
 * A route typed by its own schemas, stored among routes of every shape: api.ts parses the body and query
 * with those schemas before `handle` sees them, so the erased types cannot meet a value of another shape.
 */
export function route<B, Q>(r: Route<B, Q>): Route<never, never> {
  return r as unknown as Route<never, never>;
}
