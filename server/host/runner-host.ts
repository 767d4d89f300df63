// The port between the web process (HTTP API, socket.io) and the runner, which runs isolated in a worker
// thread so that page loads and sockets can never stall its ticks. Everything crossing it is a DTO.
import type { ControlAction, RunnerEvents } from "@/server/runner/commands";
import type { PerformanceFigures } from "@/lib/performance";
import type { CreateStrategyRequest, DeskCommandReportDTO, DeskMetricsDTO, DeskOverviewDTO, StrategyLifecycleAction, StrategySummaryDTO } from "@/lib/desk";
import type { LabRunStore } from "@/server/store";
import type {
  AlertDTO,
  AuditPageDTO,
  EmergencyOutcomeDTO,
  EmergencyPreviewDTO,
  FillDTO,
  ListPageDTO,
  MarketDTO,
  OrderDTO,
  PairMergeOutcomeDTO,
  ParamVersionDTO,
  QuotePreviewDTO,
  SnapshotDTO,
  StatusDTO,
} from "@/lib/events";
import type {
  AuditQuery,
  FillsPageQuery,
  OrdersPageQuery,
  ParamsBase,
  ResolveMismatchRequest,
} from "@/lib/api-requests";

export interface RunnerHost {
  status(): Promise<StatusDTO>;
  snapshots(query: { from?: number; to?: number; limit: number }): Promise<SnapshotDTO[]>;
  fills(limit: number): Promise<FillDTO[]>;
  orders(limit: number): Promise<OrderDTO[]>;
  alerts(limit: number): Promise<AlertDTO[]>;
  /** One page of fills, newest first, with the filter's total and the cursor of the next (older) page. */
  fillsPage(query: FillsPageQuery): Promise<ListPageDTO<FillDTO>>;
  ordersPage(query: OrdersPageQuery): Promise<ListPageDTO<OrderDTO>>;
  /** The instrument (its currencies, grid, fees) and the parameter preset the desk started from. */
  market(): Promise<MarketDTO>;
  acknowledgeAlert(id: string, by: string): Promise<AlertDTO>;
  /** Acknowledges every open alert; answers those it acknowledged. */
  acknowledgeAllAlerts(by: string): Promise<AlertDTO[]>;
  params(): Promise<{ current: ParamVersionDTO; versions: ParamVersionDTO[] }>;
  /**
   * `params` is a patch on the current version (omitted fields keep their values), or on the market's preset with
   * base "preset" (the explicit reset). Throws CommandRejected with field errors when the result is invalid or
   * does not fit the market; changes nothing.
   */
  previewParams(params: Record<string, unknown>, base?: ParamsBase): Promise<QuotePreviewDTO>;
  applyParams(params: Record<string, unknown>, reason: string, by: string, base?: ParamsBase): Promise<ParamVersionDTO>;
  rollbackParams(version: number, reason: string, by: string): Promise<ParamVersionDTO>;
  control(action: ControlAction, by: string): Promise<StatusDTO>;
  emergencyPreview(): Promise<EmergencyPreviewDTO>;
  emergencyClose(by: string): Promise<EmergencyOutcomeDTO>;
  /** A YES/NO pair (Polymarket): merges min(YES, NO) into collateral now (pair-merge.ts); absent on other desks. */
  mergePair?(by: string): Promise<PairMergeOutcomeDTO>;
  /** Resolves a reconciliation mismatch: adopt the venue's position (an audited adjustment), or adopt and flatten. */
  resolveMismatch(req: ResolveMismatchRequest, by: string): Promise<StatusDTO>;
  /** Fill rate, spread captured, inventory half-life, PnL per hour and fees over [from, to). */
  performance(range: { from: number; to: number }): Promise<PerformanceFigures>;
  /** The activity log: audited actions, newest first, filtered. */
  auditLog(query: AuditQuery): Promise<AuditPageDTO>;
  /** Records a mutation in the audit trail (who, what, before and after). */
  audit(event: { actor: string; action: string; target: string; before?: unknown; after?: unknown; ip?: string }): Promise<void>;
  on<K extends keyof RunnerEvents>(event: K, listener: (payload: RunnerEvents[K]) => void): () => void;
  /** Tick timing and the runner thread's memory; `reset` starts a new measuring window. */
  metrics?(reset: boolean): Promise<{ ticks: number; tickP50Us: number; tickP99Us: number; tickMaxUs: number; loopDelayP99Us: number; queuedWrites: number; oldestWriteAgeMs?: number; runnerHeapMb: number }>;
  /** The lab's runs and results, kept in the desk's database; absent: the web server keeps them in memory. */
  labRuns?: LabRunStore;
  /** Cancels all quotes, flushes, stops the worker. */
  stop(reason: string): Promise<void>;
  /** The same calls about another strategy of the desk (this host answers for the default one). */
  forStrategy?(strategyId: string): RunnerHost;
  /** The desk as a whole (server/host/desk-host.ts); absent on hosts of one strategy (test doubles). */
  desk?: DeskHost;
}

export interface DeskHost {
  overview(): Promise<DeskOverviewDTO>;
  /** The latest overview pushed by the runner (once a second). */
  onOverview(listener: (o: DeskOverviewDTO) => void): () => void;
  strategy(id: string): Promise<StrategySummaryDTO>;
  create(req: CreateStrategyRequest, by: string): Promise<StrategySummaryDTO>;
  lifecycle(id: string, action: StrategyLifecycleAction, by: string): Promise<StrategySummaryDTO>;
  metrics(reset: boolean): Promise<DeskMetricsDTO>;
  pause(by: string): Promise<DeskCommandReportDTO>;
  resume(by: string): Promise<DeskCommandReportDTO>;
  emergencyClose(by: string): Promise<DeskCommandReportDTO>;
}
