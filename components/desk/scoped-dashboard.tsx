"use client";
// The dashboard of one strategy of the desk: the same page as the default strategy's, its calls and live
// stream scoped to the strategy. Moving between strategies drops what the query cache held of the last one.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { setStrategyScope } from "@/components/api/client";
import { Dashboard } from "@/components/dashboard/dashboard";
import { queryKeys } from "@/components/live/query-keys";

export function ScopedDashboard({ strategyId }: { strategyId: string | null }) {
  const qc = useQueryClient();
  // Before the first child renders (its queries start in that render): set once per strategy.
  useState(() => {
    if (setStrategyScope(strategyId)) qc.removeQueries({ predicate: (q) => q.queryKey[0] !== queryKeys.me[0] });
    return strategyId;
  });
  return <Dashboard key={strategyId ?? "default"} />;
}
