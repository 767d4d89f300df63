// The lab's API: everyone signed in reads runs, results and the recorded files; only an operator starts or
// cancels a run, and both go to the audit trail. Mounted by api.ts after its checks (session, role, same
// origin, schema); bad input is refused by the schema or the planner and changes nothing.
import { z } from "zod";
import { labCancelRequestSchema, labGetQuerySchema, labRunRequestSchema } from "@/lib/lab/types";
import { LabRejected, type LabService } from "@/server/lab/service";
import { noQuery, route, type Audit, type Route } from "@/server/web/route";
import { HttpError } from "@/server/web/http";

const rejected = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (err) {
    if (err instanceof LabRejected) throw new HttpError(err.status, err.message);
    throw err;
  }
};

export function labRoutes(lab: LabService, audit: Audit): Route<never, never>[] {
  const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();
  const routes: Route<never, never>[] = [
    route({ method: "GET", path: "/api/lab/runs", access: "viewer", query: listQuery, handle: ({ query }) => lab.list(query.limit) }),
    route({ method: "GET", path: "/api/lab/run", access: "viewer", query: labGetQuerySchema, handle: ({ query }) => rejected(() => lab.get(query.id)) }),
    route({ method: "GET", path: "/api/lab/files", access: "viewer", query: noQuery, handle: async () => lab.files() }),
    route({
      method: "POST",
      path: "/api/lab/runs",
      access: "operator",
      body: labRunRequestSchema,
      handle: async (ctx) => {
        const run = await rejected(() => lab.start(ctx.body, ctx.session!.username));
        await audit(ctx, "lab.start", `lab@${run.id}`, null, { grid: run.grid, market: run.market, simulations: run.simulations });
        return run;
      },
    }),
    route({
      method: "POST",
      path: "/api/lab/cancel",
      access: "operator",
      body: labCancelRequestSchema,
      handle: async (ctx) => {
        const run = await rejected(() => lab.cancel(ctx.body.id));
        await audit(ctx, "lab.cancel", `lab@${run.id}`, { status: "running" }, { status: run.status, completed: run.completed });
        return run;
      },
    }),
  ];
  return routes;
}
