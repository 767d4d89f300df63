// "Apply to strategy": a lab result's parameter set sent through the desk's normal change flow (preview, then a
// new parameter version with a reason). The set is a patch on the strategy's current parameters: only the
// swept parameters change, as in the lab, where the set was laid over the market's preset.
import type { LabRunSummaryDTO, LabSetResult } from "@/lib/lab/types";
import { setLabel } from "@/lib/lab/grid";

export interface LabApplyRequest {
  /** The body of POST /api/params/preview (and, with the reason, of POST /api/params). */
  readonly params: Record<string, string>;
  readonly reason: string;
}

/** The patch and the version's reason for one result of a run (the reason names the run and its figures). */
export function labApplyRequest(run: Pick<LabRunSummaryDTO, "id" | "name">, set: Pick<LabSetResult, "index" | "params" | "pnl" | "runs">): LabApplyRequest {
  const reason = `lab: ${run.name} (run ${run.id.slice(0, 8)}), set ${set.index + 1}: ${setLabel(set.params)}; mean PnL ${set.pnl} over ${set.runs} runs`;
  return { params: { ...set.params }, reason: reason.slice(0, 500) };
}
