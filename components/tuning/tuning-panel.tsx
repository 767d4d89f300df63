"use client";
// Live tuning: every parameter editable, validated in the browser with the shared schema before anything
// is sent, previewed against the current book, then applied as a new version with a reason.
import { useMemo, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { MarketDTO, ParamVersionDTO, QuotePreviewDTO } from "@/lib/events";
import { api, ApiError } from "@/components/api/client";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { useMarket, useParams } from "@/components/live/hooks";
import { mergeParams, type ParamsState } from "@/components/live/lists";
import { queryKeys } from "@/components/live/query-keys";
import { limitHint, showValue, toFormValues, validate, type FormValues, type ParamField } from "./fields";
import { tuningFields } from "./schema";
import { PresetReset } from "./preset-reset";
import { PreviewView } from "./preview-view";
import { serverFieldErrors } from "./server-errors";

export function TuningPanel({ isOperator }: { isOperator: boolean }) {
  const { data, error, isPending } = useParams();
  // The market's preset is what "default" means here; without it (unreachable) the generic defaults show.
  const market = useMarket();
  const ready = market.isSuccess || market.isError;
  return (
    <Panel title="Live tuning" testId="tuning" actions={data ? <span className="num text-[11px] text-faint">current v{data.current.version}</span> : null}>
      {isPending ? <p className="text-faint">Loading parameters…</p> : null}
      {error ? <p className="text-red-400">Parameters unavailable: {error.message}</p> : null}
      {data && ready ? <TuningForm current={data.current} market={market.data} isOperator={isOperator} /> : null}
      {data && isOperator ? <PresetReset current={data.current} /> : null}
    </Panel>
  );
}

function TuningForm({ current, market, isOperator }: { current: ParamVersionDTO; market: MarketDTO | undefined; isOperator: boolean }) {
  const qc = useQueryClient();
  const { fields, schema } = useMemo(() => tuningFields(current.params, market), [current.params, market]);
  const pristine = useMemo(() => toFormValues(current.params, fields), [current.params, fields]);
  // The version the form was loaded from and its values: "changed" and "was" are relative to these.
  const [base, setBase] = useState(current.version);
  const [baseValues, setBaseValues] = useState<FormValues>(pristine);
  const [values, setValues] = useState<FormValues>(pristine);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [preview, setPreview] = useState<QuotePreviewDTO | null>(null);
  const [applied, setApplied] = useState<number | null>(null);

  const changed = fields.filter((f) => values[f.path] !== baseValues[f.path]);
  const dirty = changed.length > 0;

  // Someone else applied or rolled back: follow them unless the operator is mid-edit (state adjusted
  // during render, React's pattern for deriving state from a changed prop).
  if (current.version !== base && !dirty) {
    setBase(current.version);
    setBaseValues(pristine);
    setValues(pristine);
    setErrors({});
  }

  const previewM = useMutation({
    mutationFn: (params: Record<string, unknown>) => api.post<QuotePreviewDTO>("/api/params/preview", { params }),
    onSuccess: (p) => setPreview(p),
    onError: (e) => serverErrors(e),
  });
  const applyM = useMutation({
    mutationFn: (body: { params: Record<string, unknown>; reason: string }) => api.post<ParamVersionDTO>("/api/params", body),
    onSuccess: (v) => {
      qc.setQueryData<ParamsState>(queryKeys.params, (cur) => mergeParams(cur, v));
      const appliedValues = toFormValues(v.params, fields);
      setApplied(v.version);
      setBase(v.version);
      setBaseValues(appliedValues);
      setValues(appliedValues);
      setReason("");
      setPreview(null);
      setErrors({});
      void qc.invalidateQueries({ queryKey: queryKeys.status });
    },
    onError: (e) => serverErrors(e),
  });

  function serverErrors(e: unknown) {
    if (e instanceof ApiError) {
      const { fieldErrors, summary } = serverFieldErrors(e.message, e.fields, fields);
      setErrors(fieldErrors);
      setFormError(summary);
    } else setFormError(String(e));
  }

  function check(): Record<string, unknown> | null {
    setFormError(null);
    const r = validate(values, fields, schema);
    setErrors(r.errors);
    const n = Object.keys(r.errors).length;
    if (n) {
      setFormError(`${n} field${n > 1 ? "s" : ""} need${n > 1 ? "" : "s"} fixing — nothing was sent`);
      return null;
    }
    return r.params;
  }

  function onPreview() {
    setPreview(null);
    const params = check();
    if (params) previewM.mutate(params);
  }

  function onApply() {
    const params = check();
    if (!reason.trim()) {
      setReasonError("Say why (it goes into the version history)");
      return;
    }
    setReasonError(null);
    if (params) applyM.mutate({ params, reason: reason.trim() });
  }

  function onReset() {
    setValues(pristine);
    setBaseValues(pristine);
    setBase(current.version);
    setErrors({});
    setFormError(null);
    setPreview(null);
  }

  const set = (path: string, v: string | boolean) => {
    setValues((cur) => ({ ...cur, [path]: v }));
    setApplied(null);
    if (errors[path]) setErrors(({ [path]: _gone, ...rest }) => rest);
  };

  const shown = fields.filter((f) => !f.hidden);
  const groups = [...new Set(shown.map((f) => f.group))];
  const disabled = !isOperator;

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onApply();
      }}
      data-testid="tuning-form"
    >
      {current.version !== base && !applyM.isPending ? (
        <p className="mb-2 rounded border border-amber-500/50 bg-amber-500/10 px-2 py-1.5 text-[12px] text-amber-200">
          v{current.version} was applied by {current.changedBy} while you were editing v{base}.{" "}
          <button type="button" className="underline" onClick={onReset}>
            Load v{current.version}
          </button>
        </p>
      ) : null}
      {!isOperator ? <p className="mb-2 text-[12px] text-muted">Read-only: tuning needs the operator role.</p> : null}

      <fieldset disabled={disabled} className="space-y-3">
        <div className="grid grid-cols-1 gap-x-5 gap-y-3 lg:grid-cols-4">
          {groups.map((g) => {
            const inGroup = shown.filter((f) => f.group === g);
            const wide = inGroup.length > 8;
            return (
              <div key={g} className={wide ? "lg:col-span-2" : ""}>
                <h3 className="mb-1.5 border-b border-edge pb-1 text-[10px] font-semibold tracking-[0.14em] text-sky-300/80 uppercase">{g}</h3>
                <div className={`grid grid-cols-1 gap-x-3 gap-y-2 sm:grid-cols-2 ${wide ? "" : "lg:grid-cols-1"}`}>
                  {inGroup.map((f) => (
                    <FieldInput key={f.path} field={f} value={values[f.path] ?? ""} was={baseValues[f.path]} error={errors[f.path]} onChange={(v) => set(f.path, v)} />
                  ))}
                </div>
              </div>
            );
          })}
        </div>
        {errors["(params)"] ? <p className="text-[12px] text-red-400">{errors["(params)"]}</p> : null}

        <div className="flex flex-col gap-2 border-t border-edge pt-3 md:flex-row md:items-start">
          <div className="flex items-center gap-2">
            <Button data-testid="tuning-preview" onClick={onPreview} disabled={previewM.isPending}>
              {previewM.isPending ? "Previewing…" : "Preview quotes"}
            </Button>
            <Button variant="ghost" onClick={onReset} disabled={!dirty && current.version === base}>
              Reset
            </Button>
            <span className="text-[11px] whitespace-nowrap text-faint" title={changed.map((f) => f.label).join(", ")}>
              {dirty ? `${changed.length} changed` : "no changes"}
            </span>
          </div>
          <div className="flex flex-1 flex-col gap-1.5 sm:flex-row sm:items-start md:justify-end">
            <div className="flex-1 md:max-w-md">
              <input
                name="reason"
                data-testid="tuning-reason"
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  setReasonError(null);
                }}
                maxLength={500}
                placeholder="Reason for this change (kept in the history)"
                aria-invalid={!!reasonError}
                className={`h-8 w-full rounded border bg-[#0b1016] px-2 text-[13px] text-gray-100 outline-none placeholder:text-faint focus:border-sky-500 ${reasonError ? "border-red-500" : "border-edge-strong"}`}
              />
              {reasonError ? <p className="mt-0.5 text-[11px] text-red-400">{reasonError}</p> : null}
            </div>
            <Button type="submit" variant="primary" data-testid="tuning-apply" disabled={applyM.isPending || !dirty}>
              {applyM.isPending ? "Applying…" : "Apply as new version"}
            </Button>
          </div>
        </div>

        {preview ? <PreviewView preview={preview} /> : null}
      </fieldset>

      {formError ? (
        <p role="alert" data-testid="tuning-error" className="mt-2 rounded border border-red-500/50 bg-red-500/10 px-2 py-1.5 text-[12px] text-red-300">
          {formError}
        </p>
      ) : null}
      {applied !== null && applied === current.version ? (
        <p data-testid="tuning-applied" className="mt-2 text-[12px] text-emerald-400">
          Applied as v{applied}: takes effect on the next tick.
        </p>
      ) : null}
    </form>
  );
}

function FieldInput({
  field,
  value,
  was,
  error,
  onChange,
}: {
  field: ParamField;
  value: string | boolean;
  was: string | boolean | undefined;
  error: string | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const id = `param-${field.path}`;
  const hint = limitHint(field);
  const changed = value !== was;
  const border = error ? "border-red-500 focus:border-red-400" : changed ? "border-sky-500/70 focus:border-sky-400" : "border-edge-strong focus:border-sky-500";
  const common = {
    id,
    name: field.path,
    "data-testid": id,
    "aria-invalid": !!error,
    "aria-describedby": `${id}-hint`,
  };
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="flex items-baseline justify-between gap-2 text-[12px] text-gray-300" title={field.path}>
        <span className="truncate">
          {field.label}
          {field.unit ? <span className="text-faint"> ({field.unit})</span> : null}
        </span>
        {changed ? <span className="num shrink-0 text-[10px] text-sky-300">was {showValue(was)}</span> : null}
      </label>
      {field.kind === "boolean" ? (
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} className="mt-1 h-4 w-4 accent-sky-500" />
      ) : field.kind === "enum" ? (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)} className={`num mt-0.5 h-8 w-full rounded border bg-[#0b1016] px-1.5 text-[13px] text-gray-100 outline-none ${border}`}>
          {(field.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={field.kind === "text" || field.kind === "json" ? "text" : "decimal"}
          autoComplete="off"
          spellCheck={false}
          value={String(value)}
          placeholder={field.nullable ? "empty = not set" : undefined}
          onChange={(e) => onChange(e.target.value)}
          className={`num mt-0.5 h-8 w-full rounded border bg-[#0b1016] px-2 text-[13px] text-gray-100 outline-none disabled:opacity-60 ${border}`}
        />
      )}
      {error || hint || field.description ? (
        <p id={`${id}-hint`} className={`mt-0.5 text-[10.5px] leading-tight ${error ? "text-red-400" : "text-faint"}`} data-testid={error ? `${id}-error` : undefined}>
          {error ?? [hint, field.description].filter(Boolean).join(" · ")}
        </p>
      ) : null}
    </div>
  );
}
