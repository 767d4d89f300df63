// The tuning form's field model. Fields come from the parameter object itself (so a new parameter shows up
// without UI work), refined by the shared zod schema when present: kinds, enums, limits, defaults, text.
// Nested objects are flattened to dot paths, which is also how both schema and server name field errors.
import { z } from "zod";

export type FieldKind = "decimal" | "number" | "integer" | "boolean" | "enum" | "text" | "json";
export type FieldGroup = "inventory" | "quoting" | string;

export interface ParamField {
  path: string;
  label: string;
  group: FieldGroup;
  kind: FieldKind;
  /** Empty input means null (e.g. "use the market's own value"). */
  nullable?: boolean;
  options?: string[];
  min?: number | string;
  max?: number | string;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  defaultValue?: unknown;
  description?: string;
  /** The currency or count the value is in (ETH, USD, levels); none for ratios and choices. */
  unit?: string;
  /** Does nothing on this market: not shown, but its value is still sent unchanged. */
  hidden?: boolean;
}

export type FormValues = Record<string, string | boolean>;

type Json = Record<string, unknown>;

function isPlainObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function flatten(obj: Json, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length) Object.assign(out, flatten(v, path));
    else out[path] = v;
  }
  return out;
}

export function unflatten(flat: Record<string, unknown>): Json {
  const out: Json = {};
  for (const [path, v] of Object.entries(flat)) {
    const parts = path.split(".");
    let node = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const k = parts[i]!;
      if (!isPlainObject(node[k])) node[k] = {};
      node = node[k] as Json;
    }
    node[parts[parts.length - 1]!] = v;
  }
  return out;
}

export function humanize(path: string): string {
  const leaf = path.split(".").pop() ?? path;
  const words = leaf
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  return words
    .replace(/\bbps\b/g, "bps")
    .replace(/\bms\b/g, "ms")
    .replace(/^./, (c) => c.toUpperCase());
}

const INVENTORY_WORDS = /inventory|skew|rebalance|emergency|target|position|flatten|reduce|ratio|peak|tier/i;

function groupOf(path: string, groups: Readonly<Record<string, string>>): FieldGroup {
  const known = groups[path];
  if (known) return known;
  const top = path.includes(".") ? path.split(".")[0]! : null;
  if (top) {
    if (/invent|risk|position/i.test(top)) return "inventory";
    if (/quot|spread|order|book/i.test(top)) return "quoting";
    return top;
  }
  return INVENTORY_WORDS.test(path) ? "inventory" : "quoting";
}

const DECIMAL_RE = /^[-+]?(\d+\.?\d*|\.\d+)$/;

function kindOfValue(v: unknown): FieldKind {
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return DECIMAL_RE.test(v) ? "decimal" : "text";
  return "json";
}

export interface JsonSchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  default?: unknown;
  description?: string;
  title?: string;
  group?: string;
}

/** The input-side JSON Schema of the params schema, or null when the schema cannot be represented. */
export function jsonSchemaOf(schema: z.ZodType | null): JsonSchemaNode | null {
  if (!schema) return null;
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  } catch {
    return null;
  }
}

function schemaNodes(root: JsonSchemaNode | null, prefix = ""): Map<string, JsonSchemaNode> {
  const out = new Map<string, JsonSchemaNode>();
  if (!root) return out;
  const props = root.properties ?? root.allOf?.find((n) => n.properties)?.properties;
  if (!props) return out;
  for (const [k, node] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const n = unwrap(node);
    if (n.properties) for (const [p, c] of schemaNodes(n, path)) out.set(p, c);
    else out.set(path, { ...n, default: node.default ?? n.default, description: node.description ?? n.description });
  }
  return out;
}

function unwrap(n: JsonSchemaNode): JsonSchemaNode {
  const alts = n.anyOf ?? n.oneOf;
  if (alts) {
    const concrete = alts.find((a) => a.type !== "null");
    const nullable = alts.some((a) => a.type === "null");
    if (concrete) {
      const t = Array.isArray(concrete.type) ? concrete.type : concrete.type ? [concrete.type] : [];
      return { ...concrete, type: nullable ? [...t, "null"] : concrete.type, default: n.default ?? concrete.default, description: n.description ?? concrete.description };
    }
  }
  return n;
}

function fieldFromSchema(
  path: string,
  node: JsonSchemaNode | undefined,
  value: unknown,
  defaultValue: unknown,
  groups: Readonly<Record<string, string>>,
): ParamField {
  const base: ParamField = {
    path,
    label: node?.title ?? humanize(path),
    group: node?.group ?? groupOf(path, groups),
    kind: value === null ? "decimal" : kindOfValue(value),
    nullable: value === null ? true : undefined,
    defaultValue,
  };
  if (!node) return base;
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  const type = types.find((t) => t !== "null");
  const field: ParamField = { ...base, defaultValue: defaultValue !== undefined ? defaultValue : node.default, description: node.description };
  if (types.includes("null")) field.nullable = true;
  if (node.enum?.length) {
    field.kind = "enum";
    field.options = node.enum.map(String);
  } else if (type === "boolean") field.kind = "boolean";
  else if (type === "integer") field.kind = "integer";
  else if (type === "number") field.kind = "number";
  else if (type === "string") field.kind = typeof value === "string" && !DECIMAL_RE.test(value) ? "text" : "decimal";
  else if (!type && typeof value === "number") field.kind = Number.isInteger(value) ? "integer" : "number";
  if (node.minimum !== undefined) field.min = node.minimum;
  if (node.exclusiveMinimum !== undefined) {
    field.min = node.exclusiveMinimum;
    field.exclusiveMin = true;
  }
  if (node.maximum !== undefined) field.max = node.maximum;
  if (node.exclusiveMaximum !== undefined) {
    field.max = node.exclusiveMaximum;
    field.exclusiveMax = true;
  }
  return field;
}

/** Every parameter of the current set (and any the schema knows that the set lacks), in a stable order:
 *  inventory, quoting, then the rest. */
export function buildFields(
  params: Json,
  schema: z.ZodType | null,
  defaults: Readonly<Record<string, unknown>> = {},
  groups: Readonly<Record<string, string>> = {},
): ParamField[] {
  const flat = flatten(params);
  const flatDefaults = flatten(defaults as Json);
  const nodes = schemaNodes(jsonSchemaOf(schema));
  // The schema's order when there is one (it groups related parameters); otherwise the server's.
  const schemaOrder = [...nodes.keys()];
  const paths = [...schemaOrder, ...Object.keys(flat).filter((p) => !nodes.has(p))];
  const fields = paths.map((p) => fieldFromSchema(p, nodes.get(p), p in flat ? flat[p] : flatDefaults[p], flatDefaults[p], groups));
  const order = (g: FieldGroup) => (g === "inventory" ? 0 : g === "quoting" ? 1 : 2);
  return fields.sort((a, b) => order(a.group) - order(b.group));
}

export function toFormValues(params: Json, fields: ParamField[]): FormValues {
  const flat = flatten(params);
  const out: FormValues = {};
  for (const f of fields) {
    // null is a value (e.g. "use the market's"), not a gap to fill with the default.
    const v = f.path in flat ? flat[f.path] : f.defaultValue;
    if (f.kind === "boolean") out[f.path] = v === true;
    else if (f.kind === "json") out[f.path] = v === undefined ? "" : JSON.stringify(v);
    else out[f.path] = v === undefined || v === null ? "" : String(v);
  }
  return out;
}

const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Form strings → the params object the schema and server take. Input that cannot even be typed (a word
 * in a number field) is reported here, the same way schema errors are, and keeps its raw text.
 */
export function fromFormValues(values: FormValues, fields: ParamField[]): { params: Json; errors: Record<string, string> } {
  const flat: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.path];
    if (f.kind === "boolean") {
      flat[f.path] = raw === true;
      continue;
    }
    const s = typeof raw === "string" ? raw.trim() : "";
    if (f.nullable && s === "") {
      flat[f.path] = null;
      continue;
    }
    if (f.kind === "number" || f.kind === "integer") {
      if (s === "") errors[f.path] = "required";
      else if (!NUMBER_RE.test(s)) errors[f.path] = "must be a number";
      else if (f.kind === "integer" && !Number.isInteger(Number(s))) errors[f.path] = "must be a whole number";
      flat[f.path] = NUMBER_RE.test(s) ? Number(s) : s;
    } else if (f.kind === "decimal") {
      if (s === "") errors[f.path] = "required";
      else if (!DECIMAL_RE.test(s)) errors[f.path] = "must be a decimal number, like 12.5";
      flat[f.path] = s;
    } else if (f.kind === "json") {
      try {
        flat[f.path] = s === "" ? undefined : JSON.parse(s);
      } catch {
        errors[f.path] = "must be valid JSON";
        flat[f.path] = s;
      }
    } else flat[f.path] = s;
  }
  return { params: unflatten(flat), errors };
}

/** Browser-side validation: typing errors first, then the shared schema's own messages per field path. */
export function validate(values: FormValues, fields: ParamField[], schema: z.ZodType | null): { params: Json; errors: Record<string, string> } {
  const { params, errors } = fromFormValues(values, fields);
  if (schema) {
    const r = schema.safeParse(params);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const key = issue.path.map(String).join(".") || "(params)";
        errors[key] ??= issue.message;
      }
    }
  }
  return { params, errors };
}

/** "0.5 → 0.8" style changes between two parameter sets, by dot path. */
export function diffParams(prev: Json | null, next: Json): Array<{ path: string; before: unknown; after: unknown }> {
  if (!prev) return [];
  const a = flatten(prev);
  const b = flatten(next);
  const out: Array<{ path: string; before: unknown; after: unknown }> = [];
  for (const path of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[path]) !== JSON.stringify(b[path])) out.push({ path, before: a[path], after: b[path] });
  }
  return out;
}

export function showValue(v: unknown): string {
  if (v === undefined || v === null || v === "") return "∅";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

export function limitHint(f: ParamField): string | null {
  const parts: string[] = [];
  const unit = f.unit ? ` ${f.unit}` : "";
  if (f.defaultValue !== undefined) parts.push(`default ${f.defaultValue === null ? "empty" : `${showValue(f.defaultValue)}${unit}`}`);
  if (f.min !== undefined && f.max !== undefined) parts.push(`${f.exclusiveMin ? "(" : "["}${f.min} … ${f.max}${f.exclusiveMax ? ")" : "]"}`);
  else if (f.min !== undefined) parts.push(`${f.exclusiveMin ? ">" : "≥"} ${f.min}`);
  else if (f.max !== undefined) parts.push(`${f.exclusiveMax ? "<" : "≤"} ${f.max}`);
  return parts.length ? parts.join(" · ") : null;
}
