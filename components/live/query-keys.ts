export const queryKeys = {
  me: ["me"] as const,
  status: ["status"] as const,
  fills: ["fills"] as const,
  orders: ["orders"] as const,
  alerts: ["alerts"] as const,
  params: ["params"] as const,
  snapshots: (windowMs: number) => ["snapshots", windowMs] as const,
};
