// deploy/kubernetes/sweep-job.yaml (+ sweep-merge-job.yaml) and deploy/slurm/sweep.sbatch:
// the manifests are valid under the Kubernetes API schemas (kubernetes-models), the Job is
// Indexed with as many shards as completions, every pod writes its own folder on the shared
// claim, and the command lines they run go through the CLI's own option parsing for real —
// each shard run as the scheduler would (its index in the environment; only the seed range
// cut to one seed), then merged by the documented command, equal byte for byte to the whole
// sweep. No cluster or Slurm here: the scheduler's part (placement, retries) is on paper.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1/Job";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { repoRoot } from "../helpers/cli.js";
import { bin, cleanEnv, run, runAsync } from "./sweep-helpers.js";

const docs = (path: string) => parseAllDocuments(readFileSync(resolve(repoRoot, path), "utf8")).map((d) => d.toJS() as Record<string, unknown>);
const DETERMINISTIC = ["sweep.json", "runs.csv", "runs.jsonl"];
const read = (d: string, f: string) => readFileSync(join(d, f), "utf8");

interface JobDoc {
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions: number;
    parallelism?: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: { args?: string[]; command?: string[]; env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[]; volumeMounts: { name: string; mountPath: string }[] }[];
        volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      };
    };
  };
}

const [pvc, job] = docs("deploy/kubernetes/sweep-job.yaml") as [Record<string, unknown>, Record<string, unknown>];
const [merge] = docs("deploy/kubernetes/sweep-merge-job.yaml") as [Record<string, unknown>];
const j = job as unknown as JobDoc;
const m = merge as unknown as JobDoc;
const container = j.spec.template.spec.containers[0]!;
const args = container.args!;
const envOf = (name: string) => container.env!.find((e) => e.name === name);
const mount = container.volumeMounts[0]!;

describe("deploy/kubernetes/sweep-job.yaml", () => {
  it("a PersistentVolumeClaim and an Indexed Job, valid under the Kubernetes API schemas", () => {
    expect(pvc.kind).toBe("PersistentVolumeClaim");
    expect(job.kind).toBe("Job");
    expect(merge.kind).toBe("Job");
    expect(() => new PersistentVolumeClaim(pvc as never).validate()).not.toThrow();
    expect(() => new Job(job as never).validate()).not.toThrow();
    expect(() => new Job(merge as never).validate()).not.toThrow();
    // the schema check can fail: a Job without its template is refused
    expect(() => new Job({ ...job, spec: { ...j.spec, template: undefined } } as never).validate()).toThrow(/template/);
    expect(j.spec.completionMode).toBe("Indexed");
    expect(j.spec.template.spec.restartPolicy).toBe("Never");
    expect(m.spec.completionMode).toBeUndefined();
  });

  it("as many shards as completions; each pod writes /results/shard-<index> on the shared claim", () => {
    expect(Number(envOf("ENTROPIC_SHARDS")!.value)).toBe(j.spec.completions);
    expect(j.spec.parallelism!).toBeLessThanOrEqual(j.spec.completions);
    expect(envOf("JOB_COMPLETION_INDEX")!.valueFrom!.fieldRef!.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(args[0]).toBe("sweep");
    const out = args[args.indexOf("--out") + 1]!;
    expect(out).toBe(`${mount.mountPath}/shard-$(JOB_COMPLETION_INDEX)`);
    const claim = (d: JobDoc, name: string) => d.spec.template.spec.volumes.find((v) => v.name === name)!.persistentVolumeClaim!.claimName;
    expect(claim(j, mount.name)).toBe((pvc.metadata as { name: string }).name);
    const mm = m.spec.template.spec.containers[0]!;
    expect(claim(m, mm.volumeMounts[0]!.name)).toBe((pvc.metadata as { name: string }).name);
    expect(mm.volumeMounts[0]!.mountPath).toBe(mount.mountPath);
    expect(mm.command!.join(" ")).toContain(`merge ${mount.mountPath}/shard-* --out ${mount.mountPath}/merged`);
  });

  it("its command line runs: every index as the Job controller sets it, then the merge Job's command; equal to the whole sweep", async () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-k8s-sweep-"));
    const n = j.spec.completions;
    // the same flags, one seed instead of 2000, the claim mounted at `dir`
    const asRun = (index: string) =>
      args.map((a, k) => (args[k - 1] === "--seeds" ? "0..0" : a.replace(mount.mountPath, dir).replace("$(JOB_COMPLETION_INDEX)", index)));
    const shards = await Promise.all(Array.from({ length: n }, (_, i) => runAsync(asRun(String(i)), { JOB_COMPLETION_INDEX: String(i), ENTROPIC_SHARDS: envOf("ENTROPIC_SHARDS")!.value! })));
    shards.forEach((r, i) => {
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^shard ${i}/${n} from JOB_COMPLETION_INDEX=${i}:`, "m"));
    });
    const whole = asRun("x").map((a) => (a === join(dir, "shard-x") ? join(dir, "whole") : a));
    const full = run(whole);
    expect(full.status, full.stderr).toBe(0);
    const [sh, flag, script] = m.spec.template.spec.containers[0]!.command!;
    expect([sh, flag]).toEqual(["sh", "-c"]);
    const r = spawnSync("sh", ["-c", script!.replaceAll(mount.mountPath, dir).replace("node /app/dist/cli/main.js", `"${process.execPath}" "${bin}"`)], { encoding: "utf8", env: cleanEnv() });
    expect(r.status, r.stderr).toBe(0);
    for (const f of DETERMINISTIC) expect(read(join(dir, "merged"), f), f).toBe(read(join(dir, "whole"), f));
  }, 300_000);
});

describe("deploy/slurm/sweep.sbatch", () => {
  const text = readFileSync(resolve(repoRoot, "deploy/slurm/sweep.sbatch"), "utf8");
  const array = /^#SBATCH --array=0-(\d+)$/m.exec(text);

  it("an array 0-(N-1), one folder per task, and a documented merge that depends on the array", () => {
    expect(array).not.toBeNull();
    expect(text).toMatch(/--out "\$RESULTS\/shard-\$\{SLURM_ARRAY_TASK_ID\}"/);
    expect(text).toMatch(/sbatch --dependency=afterok:\$jobid --wrap "node dist\/cli\/main\.js merge results\/sweep-\$jobid\/shard-\* --out results\/sweep-\$jobid\/merged"/);
    expect(spawnSync("bash", ["-n", "deploy/slurm/sweep.sbatch"], { cwd: repoRoot }).status).toBe(0);
  });

  it("every array task as Slurm sets its variables, then the documented merge; equal to the whole sweep", async () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-slurm-sweep-"));
    const n = Number(array![1]) + 1;
    const jobid = "4242";
    const base = { SLURM_ARRAY_JOB_ID: jobid, SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_MAX: String(n - 1), SLURM_ARRAY_TASK_COUNT: String(n), SLURM_CPUS_PER_TASK: "1", SEEDS: "0..0", ENTROPIC: bin, SCENARIO: resolve(repoRoot, "scenarios/snowball.yaml") };
    const tasks = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        new Promise<{ status: number | null; stderr: string }>((done) => {
          const r = spawnSync("bash", [resolve(repoRoot, "deploy/slurm/sweep.sbatch")], { cwd: dir, encoding: "utf8", env: cleanEnv({ ...base, SLURM_ARRAY_TASK_ID: String(i) }), timeout: 180_000 });
          done({ status: r.status, stderr: r.stderr });
        }),
      ),
    );
    tasks.forEach((r, i) => {
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^shard ${i}/${n} from SLURM_ARRAY_TASK_ID=${i} `, "m"));
    });
    const wrap = /--wrap "([^"]+)"/.exec(text)![1]!.replaceAll("$jobid", jobid).replace("node dist/cli/main.js", `"${process.execPath}" "${bin}"`);
    const merged = spawnSync("sh", ["-c", wrap], { cwd: dir, encoding: "utf8", env: cleanEnv() });
    expect(merged.status, merged.stderr).toBe(0);
    // the whole sweep with the script's own flags
    const line = text.slice(text.indexOf("exec node")).split("\n").filter((l) => !l.startsWith("#")).join(" ").replace(/\\\s*/g, " ");
    const sets = [...line.matchAll(/--set (\S+)/g)].flatMap((x) => ["--set", x[1]!]);
    const full = run(["sweep", base.SCENARIO, "--seeds", "0..0", ...sets, "--workers", "1", "--out", join(dir, "whole")]);
    expect(full.status, full.stderr).toBe(0);
    for (const f of DETERMINISTIC) expect(read(join(dir, `results/sweep-${jobid}/merged`), f), f).toBe(read(join(dir, "whole"), f));
  }, 300_000);
});
