/**
 * Reading zod schemas as data: the schema at a field path, a field's default, its range
 * and its `.describe()` text. Used to merge overrides into section defaults, to phrase
 * validation errors, and to list every parameter (`entropic params`). Pure.
 */
import type { z } from "zod";

type Def = {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  discriminator?: string;
  element?: z.ZodType;
  items?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; format?: string; minimum?: number; maximum?: number } } }[];
  in?: z.ZodType;
};

export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The `.describe()` text on a schema or any wrapper around it (default, prefault, optional). */
export function descriptionOf(schema: z.ZodType): string | undefined {
  for (let s: z.ZodType | undefined = schema; s; s = wrapped(s)) {
    const text = (s as { description?: string }).description;
    if (text) return text;
  }
  return undefined;
}

function wrapped(schema: z.ZodType): z.ZodType | undefined {
  const def = defOf(schema);
  if (def.type === "default" || def.type === "prefault" || def.type === "optional" || def.type === "nullable" || def.type === "readonly" || def.type === "nonoptional") {
    return def.innerType;
  }
  if (def.type === "pipe") return def.in;
  return undefined;
}

/** Strip default/prefault/optional wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let inner = wrapped(s); inner; inner = wrapped(s)) s = inner;
  return s;
}

/** What a field is when omitted: `{ value }` for a default or prefault, `optional` or `required`. */
export function defaultOf(schema: z.ZodType): { kind: "value"; value: unknown } | { kind: "optional" } | { kind: "required" } {
  for (let s: z.ZodType | undefined = schema; s; s = wrapped(s)) {
    const def = defOf(s);
    if (def.type === "default" || def.type === "prefault") return { kind: "value", value: structuredClone(def.defaultValue) };
    if (def.type === "optional") return { kind: "optional" };
  }
  return { kind: "required" };
}

/** The option of a (discriminated) union that a value selects, or undefined. */
function unionOption(def: Def, value: unknown): z.ZodType | undefined {
  if (!def.options) return undefined;
  const key = def.discriminator;
  if (key && value && typeof value === "object") {
    const tag = (value as Record<string, unknown>)[key];
    return def.options.find((o) => {
      const shape = defOf(unwrap(o)).shape;
      const lit = shape?.[key] ? defOf(unwrap(shape[key])) : undefined;
      return lit?.values?.includes(tag);
    });
  }
  return undefined;
}

/** The object shape a value at this schema is checked against (discriminated unions pick by tag). */
export function shapeOf(schema: z.ZodType, value?: unknown): Record<string, z.ZodType> | undefined {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.shape) return def.shape;
  if (def.type === "union") {
    const option = unionOption(def, value);
    return option ? shapeOf(option, value) : undefined;
  }
  return undefined;
}

/** The schema of the field at `path` below `schema`, given the document value there (for unions). */
export function schemaAt(schema: z.ZodType, path: readonly (string | number)[], value?: unknown): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  let v = value;
  for (const part of path) {
    if (!s) return undefined;
    const u = unwrap(s);
    const def = defOf(u);
    if (def.type === "array") s = def.element;
    else if (def.type === "tuple") s = def.items?.[Number(part)];
    else s = shapeOf(u, v)?.[String(part)];
    v = v && typeof v === "object" ? (v as Record<string, unknown>)[String(part)] : undefined;
  }
  return s;
}

/** The accepted values of a scalar schema, in words: `integer in [1, 1000]`, `"tree" | "flat"`, … */
export function rangeOf(schema: z.ZodType): string {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case "number": {
      let integer = false;
      let lo: { v: number; inc: boolean } | undefined;
      let hi: { v: number; inc: boolean } | undefined;
      for (const check of def.checks ?? []) {
        const c = check._zod.def;
        if (c.check === "number_format") {
          integer = c.format === "safeint" || c.format === "int32" || c.format === "uint32";
        } else if (c.check === "greater_than" && typeof c.value === "number") {
          if (!lo || c.value > lo.v || (c.value === lo.v && !c.inclusive)) lo = { v: c.value, inc: c.inclusive ?? false };
        } else if (c.check === "less_than" && typeof c.value === "number") {
          if (!hi || c.value < hi.v || (c.value === hi.v && !c.inclusive)) hi = { v: c.value, inc: c.inclusive ?? false };
        }
      }
      const kind = integer ? "integer" : "number";
      if (!lo && !hi) return kind;
      return `${kind} in ${lo ? (lo.inc ? "[" : "(") + formatNumber(lo.v) : "(−∞"}, ${hi ? formatNumber(hi.v) + (hi.inc ? "]" : ")") : "∞)"}`;
    }
    case "boolean":
      return "true | false";
    case "string":
      return "text";
    case "enum":
      return Object.values(def.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(" | ");
    case "literal":
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(" | ");
    case "union":
      return (def.options ?? []).map((o) => rangeOf(o)).join(" | ");
    case "array":
      return `list of ${def.element ? rangeOf(def.element) : "values"}`;
    case "tuple":
      return `[${(def.items ?? []).map((i) => rangeOf(i)).join(", ")}]`;
    case "object":
      return "mapping";
    default:
      return def.type;
  }
}

/** A default value as JSON, with numbers as {@link formatNumber} writes them. */
export function showDefault(value: unknown): string {
  return typeof value === "number" ? formatNumber(value) : JSON.stringify(value) ?? "(none)";
}

export function formatNumber(v: number): string {
  for (const k of [1, 2, 3, 4, 6, 8]) if (v === Math.PI / k) return k === 1 ? "π" : `π/${k}`;
  if (Number.isInteger(v) && Math.abs(v) >= 1e6) {
    const exp = Math.log10(Math.abs(v));
    if (Number.isInteger(exp)) return `${v < 0 ? "−" : ""}10^${exp}`;
  }
  return String(v);
}

/** One documented field: its dotted path, default, accepted values and meaning. */
export interface FieldDoc {
  readonly path: string;
  /** JSON of the default; `(none)` if optional without one, `(required)` if it must be given */
  readonly default: string;
  readonly range: string;
  readonly meaning: string;
  /** for a field of one option of a discriminated union: the tag that selects it (`kind=ring`) */
  readonly when?: string;
}

/**
 * Every leaf field below `schema`, depth first. Objects recurse; a discriminated union lists
 * each option's fields with `when: "tag=value"`; arrays of objects list their element's fields
 * under `path[]`. `fallback` supplies meanings (by path) for schemas that carry no
 * `.describe()` text; `inherited` is the enclosing default's value for this field.
 */
export function fieldDocs(
  schema: z.ZodType,
  path: string,
  fallback: Readonly<Record<string, string>> = {},
  inherited?: unknown,
  when?: string,
): FieldDoc[] {
  const s = unwrap(schema);
  const def = defOf(s);
  const meaning = descriptionOf(schema) ?? fallback[path] ?? "";
  const tagged = when === undefined ? {} : { when };
  const own = defaultOf(schema);
  const dflt = own.kind !== "value" && inherited !== undefined ? { kind: "value" as const, value: inherited } : own;
  const defaultText = dflt.kind === "value" ? showDefault(dflt.value) : dflt.kind === "optional" ? "(none)" : "(required)";
  const below = (key: string): unknown =>
    dflt.kind === "value" && dflt.value && typeof dflt.value === "object" ? (dflt.value as Record<string, unknown>)[key] : undefined;
  if (def.type === "object" && def.shape) {
    const rows: FieldDoc[] = [];
    for (const [key, child] of Object.entries(def.shape)) rows.push(...fieldDocs(child, path ? `${path}.${key}` : key, fallback, below(key), when));
    return rows;
  }
  if (def.type === "union" && def.discriminator && def.options) {
    const key = def.discriminator;
    const tagOf = (option: z.ZodType): unknown => defOf(unwrap(shapeOf(option)![key]!)).values?.[0];
    const rows: FieldDoc[] = [
      {
        path: `${path}.${key}`,
        default: dflt.kind === "value" ? showDefault(below(key)) : defaultText,
        range: def.options.map((o) => JSON.stringify(tagOf(o))).join(" | "),
        meaning: descriptionOf(schema) ?? fallback[`${path}.${key}`] ?? "",
        ...tagged,
      },
    ];
    for (const option of def.options) {
      const tag = tagOf(option);
      const inheritFrom = tag === below(key);
      for (const [field, child] of Object.entries(shapeOf(option)!)) {
        if (field === key) continue;
        rows.push(...fieldDocs(child, `${path}.${field}`, fallback, inheritFrom ? below(field) : undefined, `${key}=${String(tag)}`));
      }
    }
    return rows;
  }
  if (def.type === "array" && def.element && defOf(unwrap(def.element)).type === "object") {
    return [{ path, default: defaultText, range: "list", meaning, ...tagged }, ...fieldDocs(def.element, `${path}[]`, fallback, undefined, when)];
  }
  return [{ path, default: defaultText, range: rangeOf(s), meaning, ...tagged }];
}
