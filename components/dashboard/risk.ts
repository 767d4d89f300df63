import type { RiskState } from "@/lib/events";

export const riskTone: Record<RiskState, "green" | "amber" | "red"> = {
  ACTIVE: "green",
  REDUCING: "amber",
  HALTED: "red",
};

export const riskText: Record<RiskState, string> = {
  ACTIVE: "text-emerald-400",
  REDUCING: "text-amber-400",
  HALTED: "text-red-400",
};
