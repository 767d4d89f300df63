"use client";
// Create (or clone) a strategy: its market, seed and regime on the paper venue, the venue account it
// shares rate limits with, and the parameters that differ from the preset (or from the strategy cloned).
// Checked here with the server's own schema, so a mistake is named at its field before anything is sent.
import { useState, type FormEvent } from "react";
import { createStrategyRequestSchema, PAPER_MARKET_NAMES, REGIME_NAMES, type StrategyOverviewDTO, type StrategySummaryDTO } from "@/lib/desk";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";

const input = "h-8 w-full rounded border border-edge-strong bg-raised px-2 text-[13px] text-gray-100";

export function CreateStrategy({ strategies, onCreated }: { strategies: StrategyOverviewDTO[]; onCreated: (s: StrategySummaryDTO) => void }) {
  const [form, setForm] = useState({ name: "", market: "probability", seed: "1", regime: "", tickMs: "1000", account: "paper", cloneFrom: "", orderSize: "", maxInventory: "", reason: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const params: Record<string, string> = {};
    if (form.orderSize.trim()) params.orderSize = form.orderSize.trim();
    if (form.maxInventory.trim()) params.maxInventory = form.maxInventory.trim();
    const body = {
      name: form.name,
      venue: "paper" as const,
      account: form.account,
      settings: { market: form.market, seed: form.seed, tickMs: form.tickMs, ...(form.regime ? { regime: form.regime } : {}) },
      params,
      ...(form.cloneFrom ? { cloneFrom: form.cloneFrom } : {}),
      ...(form.reason.trim() ? { reason: form.reason } : {}),
    };
    const parsed = createStrategyRequestSchema.safeParse(body);
    if (!parsed.success) {
      const f: Record<string, string> = {};
      for (const i of parsed.error.issues) f[i.path.join(".")] ??= i.message;
      setErrors(f);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      const created = await api.post<StrategySummaryDTO>("/api/desk/strategies", parsed.data);
      setMessage(`${created.name} created${created.lifecycle === "running" ? " and started" : ""}`);
      setForm((f) => ({ ...f, name: "", reason: "" }));
      onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.fields) setErrors(err.fields);
      setMessage(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSending(false);
    }
  };

  const field = (label: string, key: string, control: React.ReactNode, hint?: string) => (
    <label className="flex flex-col gap-1 text-[12px] text-muted">
      <span>
        {label}
        {hint ? <span className="text-faint"> ({hint})</span> : null}
      </span>
      {control}
      {errors[key] ? <span className="text-[11px] text-red-300" data-testid={`error-${key}`}>{errors[key]}</span> : null}
    </label>
  );

  return (
    <Panel title="New strategy" testId="create-strategy">
      <form onSubmit={submit} className="grid grid-cols-2 gap-2 md:grid-cols-4">
        {field("Name", "name", <input className={input} value={form.name} onChange={set("name")} data-testid="new-name" placeholder="e.g. prob-2" />)}
        {field("Market", "settings.market", <select className={input} value={form.market} onChange={set("market")} data-testid="new-market">{PAPER_MARKET_NAMES.map((m) => <option key={m}>{m}</option>)}</select>, "paper")}
        {field("Seed", "settings.seed", <input className={input} value={form.seed} onChange={set("seed")} data-testid="new-seed" inputMode="numeric" />, "which simulated market")}
        {field("Regime", "settings.regime", <select className={input} value={form.regime} onChange={set("regime")} data-testid="new-regime"><option value="">market default</option>{REGIME_NAMES.map((r) => <option key={r}>{r}</option>)}</select>)}
        {field("Tick", "settings.tickMs", <input className={input} value={form.tickMs} onChange={set("tickMs")} inputMode="numeric" />, "ms")}
        {field("Venue account", "account", <input className={input} value={form.account} onChange={set("account")} />, "shares its rate limit")}
        {field("Clone parameters of", "cloneFrom", <select className={input} value={form.cloneFrom} onChange={set("cloneFrom")} data-testid="new-clone"><option value="">the market&apos;s preset</option>{strategies.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.symbol})</option>)}</select>)}
        {field("Order size", "params.orderSize", <input className={input} value={form.orderSize} onChange={set("orderSize")} placeholder="preset" />, "base units")}
        {field("Max inventory", "params.maxInventory", <input className={input} value={form.maxInventory} onChange={set("maxInventory")} placeholder="preset" />, "base units")}
        <div className="col-span-2 md:col-span-3">{field("Reason", "reason", <input className={input} value={form.reason} onChange={set("reason")} placeholder="why (kept in the activity log)" />)}</div>
        <div className="col-span-2 flex items-end gap-2 md:col-span-4">
          <Button type="submit" variant="primary" disabled={sending} data-testid="new-submit">
            {sending ? "Creating…" : "Create and start"}
          </Button>
          {message ? <span role="status" data-testid="new-message" className="text-[12px] text-muted">{message}</span> : null}
        </div>
      </form>
    </Panel>
  );
}
