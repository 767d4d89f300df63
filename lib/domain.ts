// Domain words both the server and the browser use. They sit in lib/ because the dashboard imports them
// and lib/ is the only layer every other one may import.

export type RiskState = "ACTIVE" | "REDUCING" | "HALTED";
export type Mode = "paper" | "live";
export type SideDTO = "buy" | "sell";
export type AlertKind = "rebalance" | "emergency" | "stale_data" | "cancel_failure" | "risk_state" | "reconciliation" | "error";
export type Role = "viewer" | "operator";
