// The server's refusal of a parameter change, put to the operator: each field's message beside its input,
// and one summary sentence that names fields by their labels. The server's own summary line names them
// as the code does ("rebalanceThreshold: ..."), so it is not shown.
import { humanize, type ParamField } from "./fields";

export function serverFieldErrors(
  message: string,
  fieldMessages: Record<string, string> | undefined,
  fields: readonly ParamField[],
): { fieldErrors: Record<string, string>; summary: string } {
  const fieldErrors: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const [k, msg] of Object.entries(fieldMessages ?? {})) {
    const path = k.replace(/^params\./, "");
    const field = fields.find((f) => f.path === path);
    if (field) fieldErrors[path] = msg;
    else elsewhere.push(`${humanize(path)}: ${msg}`);
  }
  const n = Object.keys(fieldErrors).length;
  const parts: string[] = [];
  if (n) parts.push(`The desk refused ${n === 1 ? "one value" : `${n} values`}: see the highlighted field${n === 1 ? "" : "s"}. Nothing changed.`);
  if (elsewhere.length) parts.push(elsewhere.join("; "));
  return { fieldErrors, summary: parts.length ? parts.join(" ") : message };
}
