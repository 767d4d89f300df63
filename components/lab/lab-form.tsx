"use client";
// Where a lab run is set up: the market (a simulated regime with seeds, or a recorded file), the grid of
// parameters (one row per parameter: a list or a from:to:step range), and Run. The grid is expanded here
// with the server's own code, so the operator sees the number of simulations and any mistake before sending.
import { useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { GridError, SWEEPABLE_PARAMS, gridFromArgs } from "@/lib/lab/grid";
import { LAB_MARKETS, LAB_REGIMES, type LabRunRequestInput, type LabRunSummaryDTO } from "@/lib/lab/types";
import { ApiError, api } from "@/components/api/client";
import { queryKeys } from "@/components/live/query-keys";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { useLabFiles } from "./lab-data";

interface Row {
  name: string;
  values: string;
}

const DURATIONS: [string, number][] = [
  ["1 min", 60_000],
  ["10 min", 600_000],
  ["30 min", 1_800_000],
  ["1 h", 3_600_000],
  ["4 h", 14_400_000],
];

const HINTS: Record<string, string> = { skewMode: "linear,exponential,tiered", skewFactor: "0.1:1:0.1", rebalanceThreshold: "0.6,0.7,0.8" };

const field = "h-8 rounded border border-edge-strong bg-raised px-2 text-[13px] text-gray-100 focus:border-sky-500 focus:outline-none";

export function LabForm({ canRun, busy, onStarted }: { canRun: boolean; busy: boolean; onStarted: (run: LabRunSummaryDTO) => void }) {
  const qc = useQueryClient();
  const files = useLabFiles().data ?? [];
  const [kind, setKind] = useState<"simulated" | "replay">("simulated");
  const [market, setMarket] = useState<(typeof LAB_MARKETS)[number]>("story");
  const [regime, setRegime] = useState<(typeof LAB_REGIMES)[number]>("falling");
  const [seeds, setSeeds] = useState("4");
  const [durationMs, setDurationMs] = useState(600_000);
  const [fileKey, setFileKey] = useState("sample/sample.jsonl");
  const [rows, setRows] = useState<Row[]>([
    { name: "skewMode", values: "linear,exponential,tiered" },
    { name: "skewFactor", values: "0.1:1:0.1" },
  ]);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const args = rows.filter((r) => r.name && r.values.trim()).map((r) => `${r.name}=${r.values.trim()}`);
  const seedCount = Number(seeds);
  const seedsOk = Number.isInteger(seedCount) && seedCount >= 1 && seedCount <= 64;
  const argsKey = args.join("\n");
  const check = useMemo(() => {
    const args = argsKey ? argsKey.split("\n") : [];
    try {
      if (!args.length) return { error: "Add at least one parameter to sweep." };
      const { sets } = gridFromArgs(args);
      return { sets: sets.length };
    } catch (err) {
      return { error: err instanceof GridError ? err.message : String(err) };
    }
  }, [argsKey]);
  const perSet = kind === "simulated" ? (seedsOk ? seedCount : 0) : 1;
  const simulations = "sets" in check ? check.sets! * perSet : 0;

  function body(): LabRunRequestInput {
    const [source, ...rest] = fileKey.split("/");
    return {
      market:
        kind === "simulated"
          ? { kind, market, regime, seeds: seedCount, durationMs }
          : { kind, market, source: source as "sample" | "replays" | "recordings", ...(source === "sample" ? {} : { file: rest.join("/") }) },
      grid: args,
    };
  }

  async function run() {
    setSending(true);
    setError(null);
    try {
      const started = await api.post<LabRunSummaryDTO>("/api/lab/runs", body());
      void qc.invalidateQueries({ queryKey: queryKeys.labRuns });
      onStarted(started);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSending(false);
    }
  }

  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const unused = SWEEPABLE_PARAMS.filter((p) => !rows.some((r) => r.name === p));
  const blocked = !canRun ? "Running the lab needs the operator role." : busy ? "A lab run is under way: wait for it or cancel it." : null;

  return (
    <Panel title="New lab run" testId="lab-form">
      <div className="flex flex-col gap-3">
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-[11px] font-semibold text-muted uppercase">Market</legend>
          <div className="flex gap-3 text-[12px]">
            <label className="flex items-center gap-1">
              <input type="radio" name="lab-kind" checked={kind === "simulated"} onChange={() => setKind("simulated")} data-testid="lab-kind-simulated" /> Simulated
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" name="lab-kind" checked={kind === "replay"} onChange={() => setKind("replay")} data-testid="lab-kind-replay" /> Recorded file
            </label>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <select className={field} value={market} onChange={(e) => setMarket(e.target.value as typeof market)} aria-label="Instrument">
              <option value="story">ETH-USD (story, ~2000 USD)</option>
              <option value="probability">YES share (0.01–0.99 USDC)</option>
            </select>
            {kind === "simulated" ? (
              <>
                <select className={field} value={regime} onChange={(e) => setRegime(e.target.value as typeof regime)} aria-label="Regime" data-testid="lab-regime">
                  {LAB_REGIMES.map((r) => (
                    <option key={r} value={r}>
                      {r.replace("_", " ")}
                    </option>
                  ))}
                </select>
                <label className="flex items-center gap-1 text-[12px] text-muted">
                  seeds
                  <input className={`${field} w-16`} inputMode="numeric" value={seeds} onChange={(e) => setSeeds(e.target.value)} data-testid="lab-seeds" aria-invalid={!seedsOk} />
                </label>
                <select className={field} value={durationMs} onChange={(e) => setDurationMs(Number(e.target.value))} aria-label="Duration per run" data-testid="lab-duration">
                  {DURATIONS.map(([label, ms]) => (
                    <option key={ms} value={ms}>
                      {label} each
                    </option>
                  ))}
                </select>
              </>
            ) : (
              <select className={`${field} min-w-[16rem]`} value={fileKey} onChange={(e) => setFileKey(e.target.value)} aria-label="Recorded file" data-testid="lab-file">
                {files.map((f) => (
                  <option key={`${f.source}/${f.file}`} value={`${f.source}/${f.file}`}>
                    {f.source === "recordings" ? "desk recording" : f.source === "replays" ? "replay" : "sample"}: {f.file} ({Math.max(1, Math.round(f.bytes / 1024))} KB)
                  </option>
                ))}
              </select>
            )}
          </div>
          {kind === "simulated" && !seedsOk ? <p className="text-[12px] text-red-300">Seeds: a whole number from 1 to 64.</p> : null}
        </fieldset>

        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-[11px] font-semibold text-muted uppercase">Grid: values, or from:to:step</legend>
          {rows.map((r, i) => (
            <div key={i} className="flex items-center gap-2">
              <select className={`${field} w-44`} value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} aria-label={`Parameter ${i + 1}`} data-testid={`lab-param-${i}`}>
                {[r.name, ...unused].map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
              <input
                className={`${field} num min-w-0 flex-1`}
                value={r.values}
                placeholder={HINTS[r.name] ?? "a,b,c or from:to:step"}
                onChange={(e) => setRow(i, { values: e.target.value })}
                aria-label={`Values of ${r.name}`}
                data-testid={`lab-values-${i}`}
              />
              <Button size="sm" variant="ghost" onClick={() => setRows(rows.filter((_, k) => k !== i))} aria-label={`Remove ${r.name}`}>
                ✕
              </Button>
            </div>
          ))}
          <div>
            <Button size="sm" onClick={() => setRows([...rows, { name: unused[0] ?? "skewFactor", values: "" }])} disabled={rows.length >= 6 || !unused.length} data-testid="lab-add-param">
              + parameter
            </Button>
          </div>
        </fieldset>

        <div className="flex flex-wrap items-center gap-3">
          <Button variant="primary" onClick={run} disabled={!!blocked || sending || "error" in check || simulations === 0} data-testid="lab-run" title={blocked ?? undefined}>
            {sending ? "Starting…" : "Run"}
          </Button>
          <span className="num text-[12px] text-muted" data-testid="lab-count">
            {"sets" in check ? `${check.sets} parameter sets × ${perSet} ${kind === "simulated" ? "seeds" : "file"} = ${simulations} simulations` : ""}
          </span>
        </div>
        {"error" in check ? (
          <p className="text-[12px] text-amber-300" data-testid="lab-grid-error">
            {check.error}
          </p>
        ) : null}
        {blocked && !sending ? <p className="text-[12px] text-muted">{blocked}</p> : null}
        {error ? (
          <p role="alert" className="rounded bg-red-500/15 px-2 py-1 text-[12px] text-red-300" data-testid="lab-error">
            {error}
          </p>
        ) : null}
      </div>
    </Panel>
  );
}
