// Lab runs and their results (server/lab): the part of the Store that keeps them, with an in-memory and a
// Prisma implementation. Money crosses as decimal strings written at the precision the lab reports (PnL,
// spread and fees to the cent, volatility to 1e-4), so a stored result reads back as the same bytes.
import Decimal from "decimal.js";
import type { Prisma, PrismaClient } from "@/server/db/generated/client";
import { exactToDb, fromDb } from "./decimal";
import type { JsonObject, JsonValue } from "./records";

export type LabRunState = "running" | "done" | "cancelled" | "failed";

export interface LabRunRecord {
  id: string;
  name: string;
  status: LabRunState;
  request: JsonObject;
  sets: number;
  simulations: number;
  completed: number;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
  wallMs: number | null;
  error: string | null;
}

export type NewLabRun = Pick<LabRunRecord, "name" | "request" | "sets" | "simulations" | "createdBy">;
export type LabRunPatch = Partial<Pick<LabRunRecord, "status" | "completed" | "finishedAt" | "wallMs" | "error">>;

export interface LabResultRecord {
  index: number;
  params: Record<string, string>;
  runs: number;
  pnl: string;
  maxAbsInventory: string;
  fractionAboveRebalance: number;
  msAboveRebalance: number;
  emergencyCloses: number;
  fills: number;
  spreadCaptured: string;
  pnlVolatility: string;
  fees: string;
  detail: JsonObject;
}

export interface LabRunStore {
  createLabRun(run: NewLabRun): Promise<LabRunRecord>;
  /** Throws when no such run. */
  updateLabRun(id: string, patch: LabRunPatch): Promise<LabRunRecord>;
  /** The run's results, all at once (a run is stored whole or not at all). */
  saveLabResults(id: string, results: readonly LabResultRecord[]): Promise<void>;
  /** Newest first. */
  listLabRuns(limit?: number): Promise<LabRunRecord[]>;
  getLabRun(id: string): Promise<{ run: LabRunRecord; results: LabResultRecord[] } | null>;
}

/** Display precision per money field: what the lab writes, and what a stored value reads back as. */
const DP = { pnl: 2, spreadCaptured: 2, fees: 2, pnlVolatility: 4 } as const;
const money = (v: Prisma.Decimal | Decimal | string, dp: number) => {
  const d = new Decimal(typeof v === "string" ? v : v.toFixed()).toDecimalPlaces(dp);
  return (d.isZero() ? new Decimal(0) : d).toFixed(dp);
};

export class MemoryLabRuns implements LabRunStore {
  private readonly runs = new Map<string, { run: LabRunRecord; results: LabResultRecord[] }>();

  async createLabRun(run: NewLabRun): Promise<LabRunRecord> {
    const rec: LabRunRecord = { ...run, id: crypto.randomUUID(), status: "running", completed: 0, createdAt: new Date(), finishedAt: null, wallMs: null, error: null };
    this.runs.set(rec.id, { run: structuredClone(rec), results: [] });
    return rec;
  }

  async updateLabRun(id: string, patch: LabRunPatch): Promise<LabRunRecord> {
    const e = this.runs.get(id);
    if (!e) throw new Error(`no lab run ${id}`);
    e.run = { ...e.run, ...structuredClone(patch) };
    return structuredClone(e.run);
  }

  async saveLabResults(id: string, results: readonly LabResultRecord[]): Promise<void> {
    const e = this.runs.get(id);
    if (!e) throw new Error(`no lab run ${id}`);
    e.results = structuredClone([...results]).sort((a, b) => a.index - b.index);
  }

  async listLabRuns(limit = 50): Promise<LabRunRecord[]> {
    return [...this.runs.values()]
      .map((e) => structuredClone(e.run))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .slice(0, limit);
  }

  async getLabRun(id: string): Promise<{ run: LabRunRecord; results: LabResultRecord[] } | null> {
    const e = this.runs.get(id);
    return e ? structuredClone(e) : null;
  }
}

type LabRunRow = Prisma.LabRunGetPayload<object>;
type LabResultRow = Prisma.LabResultGetPayload<object>;

const runOut = (r: LabRunRow): LabRunRecord => ({
  id: r.id,
  name: r.name,
  status: r.status as LabRunState,
  request: r.request as JsonObject,
  sets: r.sets,
  simulations: r.simulations,
  completed: r.completed,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
  wallMs: r.wallMs,
  error: r.error,
});

const resultOut = (r: LabResultRow): LabResultRecord => ({
  index: r.index,
  params: r.params as Record<string, string>,
  runs: r.runs,
  pnl: money(r.pnl, DP.pnl),
  maxAbsInventory: fromDb(r.maxAbsInventory).toString(),
  fractionAboveRebalance: r.fractionAboveRebalance,
  msAboveRebalance: r.msAboveRebalance,
  emergencyCloses: r.emergencyCloses,
  fills: r.fills,
  spreadCaptured: money(r.spreadCaptured, DP.spreadCaptured),
  pnlVolatility: money(r.pnlVolatility, DP.pnlVolatility),
  fees: money(r.fees, DP.fees),
  detail: r.detail as JsonObject,
});

export class PrismaLabRuns implements LabRunStore {
  constructor(private readonly prisma: PrismaClient) {}

  async createLabRun(run: NewLabRun): Promise<LabRunRecord> {
    return runOut(await this.prisma.labRun.create({ data: { ...run, request: run.request as Prisma.InputJsonValue, status: "running" } }));
  }

  async updateLabRun(id: string, patch: LabRunPatch): Promise<LabRunRecord> {
    return runOut(await this.prisma.labRun.update({ where: { id }, data: patch }));
  }

  async saveLabResults(id: string, results: readonly LabResultRecord[]): Promise<void> {
    const dec = (v: string, f: string) => exactToDb(new Decimal(v), `lab result ${f}`);
    await this.prisma.$transaction([
      this.prisma.labResult.deleteMany({ where: { runId: id } }),
      this.prisma.labResult.createMany({
        data: results.map((r) => ({
          runId: id,
          index: r.index,
          params: r.params,
          runs: r.runs,
          pnl: dec(r.pnl, "pnl"),
          maxAbsInventory: dec(r.maxAbsInventory, "maxAbsInventory"),
          fractionAboveRebalance: r.fractionAboveRebalance,
          msAboveRebalance: r.msAboveRebalance,
          emergencyCloses: r.emergencyCloses,
          fills: r.fills,
          spreadCaptured: dec(r.spreadCaptured, "spreadCaptured"),
          pnlVolatility: dec(r.pnlVolatility, "pnlVolatility"),
          fees: dec(r.fees, "fees"),
          detail: r.detail as Prisma.InputJsonValue,
        })),
      }),
    ]);
  }

  async listLabRuns(limit = 50): Promise<LabRunRecord[]> {
    const rows = await this.prisma.labRun.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: Math.min(Math.max(1, limit), 500) });
    return rows.map(runOut);
  }

  async getLabRun(id: string): Promise<{ run: LabRunRecord; results: LabResultRecord[] } | null> {
    const row = await this.prisma.labRun.findUnique({ where: { id }, include: { results: { orderBy: { index: "asc" } } } });
    return row ? { run: runOut(row), results: row.results.map(resultOut) } : null;
  }
}

export type { JsonValue };
