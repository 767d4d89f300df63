import type { FillsFilter, OrdersFilter } from "./history-lists";

export const queryKeys = {
  me: ["me"] as const,
  status: ["status"] as const,
  /** Prefix of every fills list (one per filter). */
  fills: ["fills"] as const,
  fillsList: (filter: FillsFilter) => ["fills", filter] as const,
  orders: ["orders"] as const,
  ordersList: (filter: OrdersFilter) => ["orders", filter] as const,
  market: ["market"] as const,
  alerts: ["alerts"] as const,
  params: ["params"] as const,
  snapshots: (windowMs: number) => ["snapshots", windowMs] as const,
  /** Prefix of the lab's lists and runs. */
  lab: ["lab"] as const,
  labRuns: ["lab", "runs"] as const,
  labRun: (id: string) => ["lab", "run", id] as const,
  labFiles: ["lab", "files"] as const,
  /** The latest lab:progress event. */
  labProgress: ["labProgress"] as const,
};
