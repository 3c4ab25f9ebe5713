// The deployment files (Dockerfile, deploy/compose.yaml, deploy/kubernetes/statefulset.yaml,
// deploy/prometheus/*, deploy/grafana/*) checked as far as this machine allows without a
// container engine or a cluster: they parse, agree with each other (ports, service names,
// peer ids, mounts), pass the node's own option checks, the dashboard's PromQL uses metric
// names a live node's /v1/metrics really exposes, and promtool accepts the Prometheus
// configs and every dashboard query (skipped with a notice where Debian's `prometheus`
// package is missing; CI installs it, and there a missing promtool fails). Third-party
// schema checks: dclint (the Compose Specification's JSON schema) for the compose file,
// kubernetes-models (the Kubernetes OpenAPI schemas) for the manifests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Service } from "kubernetes-models/v1/Service";
import { checkBootstrap, checkLiveParams, parseTcpMultiaddr } from "../../src/cli/live-options.js";
import { checkAnnounce, checkKeyLabel } from "../../src/cli/node/host-options.js";
import { parseParams } from "../../src/cli/node/command.js";
import { devnetSnowballParams } from "../../src/cli/devnet/devnet.js";
import { keySeedFromLabel } from "../../src/runtime/node/key-label.js";
import { peerIdFromKeySeed } from "../../src/runtime/transport/keys.js";
import { createNode, type RunningNode } from "../../src/runtime/node/start.js";

const root = resolve(import.meta.dirname, "../..");
const deploy = join(root, "deploy");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const peerIdOf = (label: string) => peerIdFromKeySeed(keySeedFromLabel(label));

const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
const havePromtool = promtool.error === undefined && promtool.status === 0;
if (!havePromtool) process.stdout.write("deploy.test.ts: promtool not found (Debian package `prometheus`); skipping the promtool checks\n");

/** The values of every `--flag` in an argument list (repeatable flags give several). */
function flagValues(args: readonly string[], flag: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a === flag) out.push(String(args[i + 1]));
  });
  return out;
}
const flag = (args: readonly string[], name: string): string => {
  const v = flagValues(args, name);
  expect(v, `${name} given once`).toHaveLength(1);
  return v[0]!;
};

/** The node options a deployment passes, checked by the node command's own validators. */
async function checkNodeArgs(args: readonly string[], where: string): Promise<void> {
  expect(args[0], where).toBe("node");
  await checkAnnounce(flagValues(args, "--announce"));
  await checkBootstrap(flagValues(args, "--bootstrap"));
  checkKeyLabel(flag(args, "--key-seed"));
  const protocol = flag(args, "--protocol");
  const params = parseParams(flagValues(args, "--param"));
  await checkLiveParams(protocol, params);
  // the Snowball parameters `entropic devnet` would choose for this many nodes
  expect(params, where).toEqual(devnetSnowballParams(flagValues(args, "--bootstrap").length));
  expect(flag(args, "--api-host"), where).toBe("0.0.0.0");
  expect(flag(args, "--data"), where).toBe("/data");
}

interface Dockerfile {
  expose: number[];
  volume: string[];
  user: string;
  healthPort: number;
  healthPath: string;
  cmd: string[];
  stages: string[];
}

function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/\\\n\s*/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const of = (kw: string) => lines.filter((l) => l.toUpperCase().startsWith(`${kw} `)).map((l) => l.slice(kw.length + 1).trim());
  const health = /http:\/\/127\.0\.0\.1:(\d+)(\/v1\/\w+)/.exec(of("HEALTHCHECK").join(" "));
  return {
    expose: of("EXPOSE").flatMap((e) => e.split(/\s+/).map(Number)),
    volume: of("VOLUME").flatMap((v) => JSON.parse(v) as string[]),
    user: of("USER").at(-1) ?? "root",
    healthPort: Number(health?.[1]),
    healthPath: health?.[2] ?? "",
    cmd: JSON.parse(of("CMD").at(-1) ?? "[]") as string[],
    stages: of("FROM"),
  };
}

const dockerfile = parseDockerfile(read("Dockerfile"));
const P2P_PORT = 4001;
const API_PORT = 8080;

describe("Dockerfile", () => {
  it("is multi-stage on Node 20 slim, runs as a non-root user, keeps /data in a volume, exposes the p2p and API ports, checks /v1/health", () => {
    expect(dockerfile.stages).toHaveLength(2);
    expect(dockerfile.stages[0]).toMatch(/^node:20[-\w.]*slim AS build$/);
    expect(dockerfile.stages[1]).toMatch(/^node:20[-\w.]*slim$/);
    expect(dockerfile.user).not.toMatch(/^(root|0)$/);
    expect(dockerfile.volume).toEqual(["/data"]);
    expect(dockerfile.expose.sort()).toEqual([P2P_PORT, API_PORT]);
    expect(dockerfile.healthPath).toBe("/v1/health");
    expect(dockerfile.healthPort).toBe(API_PORT);
    // the default command serves the API on the port the health check asks, to other hosts
    expect(flag(dockerfile.cmd, "--api")).toBe(String(API_PORT));
    expect(flag(dockerfile.cmd, "--api-host")).toBe("0.0.0.0");
    expect(flag(dockerfile.cmd, "--listen")).toBe(`/ip4/0.0.0.0/tcp/${P2P_PORT}`);
    expect(flag(dockerfile.cmd, "--data")).toBe("/data");
  });

  it("copies only paths that exist, and .dockerignore keeps local builds and secrets out", () => {
    const text = read("Dockerfile");
    for (const m of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const src of m[1]!.trim().split(/\s+/)) expect(existsSync(join(root, src)), `COPY ${src}`).toBe(true);
    }
    const ignored = read(".dockerignore").split("\n").map((l) => l.trim());
    for (const p of ["node_modules", "dist", ".git", "*.key", "devnet"]) expect(ignored).toContain(p);
    // the build stage needs these: none may be ignored
    for (const p of ["src", "web", "scenarios", "package.json", "package-lock.json"]) expect(ignored).not.toContain(p);
  });
});

describe("deploy/compose.yaml", () => {
  const compose = parse(read("deploy/compose.yaml"), { merge: true }) as {
    services: Record<string, { command?: string[]; hostname?: string; ports?: string[]; volumes?: string[]; healthcheck?: { test: string[] }; image?: string; build?: { context: string; dockerfile: string } }>;
    volumes: Record<string, unknown>;
  };
  const nodes = Object.keys(compose.services).filter((s) => /^node-\d+$/.test(s));

  it("runs 4 nodes from the repository's image, each keyed by its service name and bootstrapped to all four by their derived peer ids", async () => {
    expect(nodes).toEqual(["node-0", "node-1", "node-2", "node-3"]);
    for (const name of nodes) {
      const s = compose.services[name]!;
      const args = s.command!;
      expect(s.build?.dockerfile).toBe("Dockerfile");
      expect(existsSync(join(deploy, s.build!.context, s.build!.dockerfile))).toBe(true);
      expect(s.hostname).toBe(name);
      expect(flag(args, "--key-seed")).toBe(name);
      expect(flag(args, "--listen")).toBe(`/ip4/0.0.0.0/tcp/${P2P_PORT}`);
      expect(flagValues(args, "--announce")).toEqual([`/dns4/${name}/tcp/${P2P_PORT}`]);
      expect(flag(args, "--api")).toBe(String(API_PORT));
      expect(flagValues(args, "--bootstrap")).toEqual(nodes.map((n) => `/dns4/${n}/tcp/${P2P_PORT}/p2p/${peerIdOf(n)}`));
      await checkNodeArgs(args, name);
      // the API published on the host's loopback only; the node's folder in a named volume
      expect(s.ports).toEqual([`127.0.0.1:${8080 + nodes.indexOf(name)}:${API_PORT}`]);
      expect(s.volumes).toEqual([`${name}-data:/data`]);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
      expect(s.healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${API_PORT}/v1/health`);
    }
  });

  it("is valid under the Compose Specification (dclint's schema check), which a misspelt key fails", () => {
    const dclint = join(root, "node_modules/.bin/dclint");
    const run = (file: string) => spawnSync(dclint, ["--quiet", "--color", "false", file], { encoding: "utf8" });
    const good = run(join(deploy, "compose.yaml"));
    expect(good.status, `${good.stdout}${good.stderr}`).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "entropic-compose-"));
    try {
      const bad = join(dir, "compose.yaml");
      writeFileSync(bad, read("deploy/compose.yaml").replace("    command:", "    comand:"));
      const r = run(bad);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/invalid-schema/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Prometheus scrapes every node's /v1/metrics; Grafana gets the provisioned datasource and dashboard", () => {
    const prom = compose.services.prometheus!;
    const mount = prom.volumes!.find((v) => v.includes("prometheus.yml"))!;
    const [hostPath, target] = mount.split(":");
    expect(existsSync(join(deploy, hostPath!))).toBe(true);
    expect(prom.command).toContain(`--config.file=${target}`);
    const config = parse(readFileSync(join(deploy, hostPath!), "utf8")) as { scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[] };
    const job = config.scrape_configs.find((j) => j.job_name === "entropic")!;
    expect(job.metrics_path).toBe("/v1/metrics");
    expect(job.static_configs.flatMap((c) => c.targets)).toEqual(nodes.map((n) => `${n}:${API_PORT}`));

    const grafana = compose.services.grafana!;
    const mounts = new Map(grafana.volumes!.map((v) => v.split(":") as [string, string]));
    for (const hostPath of mounts.keys()) if (hostPath.startsWith(".")) expect(existsSync(join(deploy, hostPath)), hostPath).toBe(true);
    expect(mounts.get("./grafana/provisioning")).toBe("/etc/grafana/provisioning");
    const provider = parse(read("deploy/grafana/provisioning/dashboards/entropic.yaml")) as { providers: { options: { path: string } }[] };
    expect(mounts.get("./grafana/dashboards")).toBe(provider.providers[0]!.options.path);
    const datasource = parse(read("deploy/grafana/provisioning/datasources/prometheus.yaml")) as { datasources: { uid: string; url: string; type: string }[] };
    expect(datasource.datasources[0]!.type).toBe("prometheus");
    expect(datasource.datasources[0]!.url).toBe("http://prometheus:9090");
    expect(compose.services).toHaveProperty("prometheus");
    expect(prom.ports).toEqual(["127.0.0.1:9090:9090"]);
  });
});

describe("deploy/kubernetes/statefulset.yaml", () => {
  const docs = parseAllDocuments(read("deploy/kubernetes/statefulset.yaml")).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
  });

  it("a headless Service and a StatefulSet with volumeClaimTemplates whose pods bootstrap to each other by derived peer ids", async () => {
    const service = docs.find((d) => d.kind === "Service")!;
    const set = docs.find((d) => d.kind === "StatefulSet")! as unknown as {
      metadata: { name: string };
      spec: {
        serviceName: string;
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: { metadata: { labels: Record<string, string> }; spec: { securityContext: { runAsNonRoot: boolean }; containers: Container[] } };
        volumeClaimTemplates: { metadata: { name: string } }[];
      };
    };
    interface Container {
      args: string[];
      env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
      ports: { name: string; containerPort: number }[];
      readinessProbe: { httpGet: { path: string; port: string } };
      volumeMounts: { name: string; mountPath: string }[];
    }
    const svc = service.spec as { clusterIP: string; publishNotReadyAddresses: boolean; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
    expect(svc.clusterIP).toBe("None");
    expect(svc.publishNotReadyAddresses).toBe(true);
    expect(set.spec.serviceName).toBe(service.metadata.name);
    expect(set.spec.template.metadata.labels).toMatchObject(set.spec.selector.matchLabels);
    expect(set.spec.template.metadata.labels).toMatchObject(svc.selector);
    expect(set.spec.template.spec.securityContext.runAsNonRoot).toBe(true);

    const [c] = set.spec.template.spec.containers;
    const ports = Object.fromEntries(c!.ports.map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ p2p: P2P_PORT, api: API_PORT });
    for (const p of svc.ports) expect(ports[p.targetPort]).toBe(p.port);
    expect(c!.readinessProbe.httpGet).toEqual({ path: "/v1/health", port: "api" });
    expect(c!.volumeMounts).toEqual([{ name: set.spec.volumeClaimTemplates[0]!.metadata.name, mountPath: "/data" }]);

    // $(VAR) in args is expanded by Kubernetes from the container's env
    const env = Object.fromEntries(c!.env.map((e) => [e.name, e.valueFrom.fieldRef.fieldPath]));
    expect(env).toEqual({ POD_NAME: "metadata.name", POD_NAMESPACE: "metadata.namespace" });
    const args = c!.args;
    expect(flag(args, "--key-seed")).toBe("$(POD_NAME)");
    expect(flag(args, "--api")).toBe(String(ports.api));
    expect(flag(args, "--listen")).toBe(`/ip4/0.0.0.0/tcp/${ports.p2p}`);
    const fqdn = (pod: string) => `${pod}.${service.metadata.name}.$(POD_NAMESPACE).svc.cluster.local`;
    expect(flagValues(args, "--announce")).toEqual([`/dns4/${fqdn("$(POD_NAME)")}/tcp/${ports.p2p}`]);
    const pods = Array.from({ length: set.spec.replicas }, (_, i) => `${set.metadata.name}-${i}`);
    expect(flagValues(args, "--bootstrap")).toEqual(pods.map((p) => `/dns4/${fqdn(p)}/tcp/${ports.p2p}/p2p/${peerIdOf(p)}`));
    // what a pod actually runs: $(…) expanded for pod 1 in namespace "entropic"
    const expanded = args.map((a) => a.replaceAll("$(POD_NAME)", pods[1]!).replaceAll("$(POD_NAMESPACE)", "entropic"));
    await checkNodeArgs(expanded, "statefulset");
  });

  it("is valid under the Kubernetes API schemas (kubernetes-models), which a wrong type fails", () => {
    const models = { Service, StatefulSet } as const;
    for (const d of docs) {
      const Model = models[d.kind as keyof typeof models];
      expect(Model, d.kind).toBeDefined();
      expect(() => new Model(d as never).validate(), d.kind).not.toThrow();
    }
    const set = structuredClone(docs.find((d) => d.kind === "StatefulSet")!) as unknown as { spec: { replicas: unknown; selector?: unknown } };
    set.spec.replicas = "4";
    expect(() => new StatefulSet(set as never).validate()).toThrow(/replicas/);
    delete set.spec.selector;
    set.spec.replicas = 4;
    expect(() => new StatefulSet(set as never).validate()).toThrow(/selector/);
  });

  it("the in-cluster Prometheus config scrapes the API port through the headless Service's DNS", () => {
    const config = parse(read("deploy/prometheus/prometheus-kubernetes.yml")) as { scrape_configs: { metrics_path: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[] };
    const job = config.scrape_configs[0]!;
    expect(job.metrics_path).toBe("/v1/metrics");
    expect(job.dns_sd_configs).toEqual([expect.objectContaining({ names: ["entropic.entropic.svc.cluster.local"], type: "A", port: API_PORT })]);
  });
});

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  targets: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(read("deploy/grafana/dashboards/entropic.json")) as { uid: string; panels: Panel[] };
const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, ...t })));

describe("Grafana dashboard", () => {
  let node: RunningNode | undefined;
  let dir = "";
  let exposition = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "entropic-deploy-"));
    node = await createNode({ dataDir: join(dir, "node"), protocol: "snowball", apiPort: 0 });
    exposition = await (await fetch(`${node.api}/v1/metrics`)).text();
  }, 30_000);
  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows finality latency, throughput, peers and pending from the provisioned datasource", () => {
    const datasource = parse(read("deploy/grafana/provisioning/datasources/prometheus.yaml")) as { datasources: { uid: string }[] };
    for (const p of dashboard.panels) expect(p.datasource.uid, p.title).toBe(datasource.datasources[0]!.uid);
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(" | ");
    for (const topic of ["finality latency", "throughput", "peers", "pending"]) expect(titles).toContain(topic);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
  });

  it("queries only metric names a live node's /v1/metrics exposes, and rate() only counters and histograms", () => {
    const types = new Map<string, string>();
    for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(m[1]!, m[2]!);
    const samples = new Set([...exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((m) => m[1]!));
    expect(samples.size).toBeGreaterThan(10);
    let checked = 0;
    for (const q of queries) {
      for (const [name] of q.expr.matchAll(/\bentropic_[a-z0-9_]+/g)) {
        expect(samples.has(name), `${q.panel}: ${name} is not in /v1/metrics`).toBe(true);
        checked++;
      }
      for (const m of q.expr.matchAll(/\brate\((entropic_[a-z0-9_]+)/g)) {
        const name = m[1]!;
        const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
        expect(["counter", "histogram"], `${q.panel}: rate(${name}) of a ${types.get(family)}`).toContain(types.get(family));
      }
      // Prometheus' own series aside, every metric the dashboard reads is the node's
      const other = [...q.expr.matchAll(/\b([a-z_][a-z0-9_]*)\{/g)].map((m) => m[1]!).filter((n) => !n.startsWith("entropic_"));
      expect(other.filter((n) => n !== "up"), q.panel).toEqual([]);
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });
});

describe("promtool", () => {
  it.runIf(process.env.CI === "true" && !havePromtool)("has promtool under CI", () => {
    expect.fail("promtool is missing under CI=true: .ci/install-promtool.sh should have installed Debian's prometheus package");
  });

  it.skipIf(!havePromtool)("accepts both Prometheus configs", () => {
    for (const file of ["deploy/prometheus/prometheus.yml", "deploy/prometheus/prometheus-kubernetes.yml"]) {
      const r = spawnSync("promtool", ["check", "config", join(root, file)], { encoding: "utf8" });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it.skipIf(!havePromtool)("parses every dashboard query (as recording rules), and rejects a broken one", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-promql-"));
    try {
      const rules = (exprs: string[]) =>
        `groups:\n  - name: dashboard\n    rules:\n${exprs.map((e, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(e)}\n`).join("")}`;
      const good = join(dir, "good.yml");
      writeFileSync(good, rules(queries.map((q) => q.expr)));
      const r = spawnSync("promtool", ["check", "rules", good], { encoding: "utf8" });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`${queries.length} rules found`);
      const bad = join(dir, "bad.yml");
      writeFileSync(bad, rules([queries[0]!.expr.replace(/\)$/, "")]));
      expect(spawnSync("promtool", ["check", "rules", bad], { encoding: "utf8" }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("deploy/peer-ids.mjs", () => {
  it.skipIf(!existsSync(join(root, "dist/runtime/node/key-label.js")))("prints the peer id each label gives (what the deployment files list)", () => {
    const r = spawnSync(process.execPath, [join(deploy, "peer-ids.mjs"), "node-0", "entropic-3"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`node-0 ${peerIdOf("node-0")}\nentropic-3 ${peerIdOf("entropic-3")}\n`);
  });
});

// the multiaddr parser the node uses reads the deployment's DNS addresses as TCP addresses
it("DNS multiaddrs of the deployments parse as the node's TCP addresses", async () => {
  const a = await parseTcpMultiaddr(`/dns4/node-0/tcp/${P2P_PORT}/p2p/${peerIdOf("node-0")}`, "--bootstrap");
  expect(a).toEqual({ host: null, family: "dns", port: P2P_PORT, peer: peerIdOf("node-0") });
});
