// The strategy's one parameter schema, shared with the server, so the browser refuses exactly what the
// server would. Until lib/strategy/params exists the form validates types only and the server has the
// last word (its field errors land on the same fields).
import type { z } from "zod";

export const paramsSchema: z.ZodType | null = null;
