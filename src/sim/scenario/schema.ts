/**
 * The scenario format: one JSON or YAML document naming a protocol, its parameters, the
 * seed and the generator family. Validation reports every bad field by its path, with the
 * allowed values or range, before anything runs.
 */
import { z } from "zod";
import { ScenarioError } from "../../core/errors.js";
import { type ProtocolName, protocolNames, protocols } from "../registry.js";
import { rngFamilies, type RngFamily } from "../rng-family.js";

/** A validated scenario; `params` holds the protocol's parameters with defaults filled in. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly protocol: ProtocolName;
  readonly seed: number;
  readonly rng: RngFamily;
  /** record observables every this many steps (the first and last step are always recorded) */
  readonly observeEvery: number;
  readonly params: Readonly<Record<string, unknown>>;
  /** the protocol's extra sections (topology, workload, adversary, … for consensus), validated */
  readonly sections: Readonly<Record<string, unknown>>;
}

const MAX_SEED = 2 ** 32 - 1;

const baseFields = {
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(10_000).optional(),
  seed: z.number().int().min(0).max(MAX_SEED).default(0),
  rng: z.enum(rngFamilies).default("xoshiro"),
  observeEvery: z.number().int().min(1).default(1),
};

const variants = new Map(
  protocolNames.map((name) => [
    name,
    z
      .object({
        ...baseFields,
        ...((protocols[name] as { sections?: Record<string, z.ZodType> }).sections ?? {}),
        protocol: z.literal(name),
        params: (protocols[name].params as z.ZodType).prefault({}),
      })
      .strict(),
  ]),
);

/** Field names a `--set NAME=VALUE` may address at the top level (everything else goes to params). */
export const topLevelFields: readonly string[] = [
  ...new Set([
    "name",
    "description",
    "seed",
    "rng",
    "observeEvery",
    "protocol",
    "params",
    ...protocolNames.flatMap((name) => Object.keys((protocols[name] as { sections?: Record<string, unknown> }).sections ?? {})),
  ]),
];

/** Validate a parsed document. `source` (a file name) prefixes error messages. */
export function validateScenario(input: unknown, source?: string): Scenario {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ScenarioError([{ path: "", message: "a scenario must be a mapping (object)" }], source);
  }
  const protocol = (input as Record<string, unknown>).protocol;
  if (typeof protocol !== "string" || !variants.has(protocol as ProtocolName)) {
    throw new ScenarioError(
      [{ path: "protocol", message: `${protocol === undefined ? "missing" : `unknown protocol ${JSON.stringify(protocol)}`}; allowed: ${protocolNames.join(", ")}` }],
      source,
    );
  }
  const result = variants.get(protocol as ProtocolName)!.safeParse(input);
  if (!result.success) {
    throw new ScenarioError(
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: describeIssue(issue) })),
      source,
    );
  }
  const data = result.data as Record<string, unknown>;
  return {
    name: (data.name as string | undefined) ?? (protocol as string),
    ...(data.description !== undefined ? { description: data.description as string } : {}),
    protocol: protocol as ProtocolName,
    seed: data.seed as number,
    rng: data.rng as RngFamily,
    observeEvery: data.observeEvery as number,
    params: data.params as Record<string, unknown>,
    sections: Object.fromEntries(
      Object.keys((protocols[protocol as ProtocolName] as { sections?: Record<string, unknown> }).sections ?? {}).map((key) => [key, data[key]]),
    ),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
  return issue.message;
}

/** The protocol's parameter names, for `--help` and `--set` checks. */
export function parameterNames(protocol: ProtocolName): string[] {
  const schema = protocols[protocol].params as unknown as { shape?: Record<string, unknown> };
  return Object.keys(schema.shape ?? {});
}
