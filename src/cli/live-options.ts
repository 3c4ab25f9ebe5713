/**
 * Checks of the live-node options (`node`, `devnet`), run before anything starts so a bad
 * address, a busy port or an unknown parameter is a one-line usage error (exit 2) instead of
 * a library's stack trace from deep inside libp2p or LevelDB.
 */
import { createServer } from "node:net";
import { UsageError } from "../core/errors.js";
import type { ConsensusProtocol } from "../protocols/consensus.js";

const EXAMPLE_LISTEN = "/ip4/127.0.0.1/tcp/4001";

interface ParsedAddress {
  readonly host: string | null;
  readonly family: "ip4" | "ip6" | "dns";
  readonly port: number;
  readonly peer: string | null;
}

/**
 * Parse a libp2p TCP multiaddr (`/ip4/H/tcp/P`, `/ip6/…`, `/dns4/…`, optionally `/p2p/ID`).
 * @throws UsageError naming `flag` and the problem
 */
export async function parseTcpMultiaddr(raw: string, flag: string): Promise<ParsedAddress> {
  const { multiaddr } = await import("@multiformats/multiaddr");
  let parts: { name: string; value?: string }[];
  try {
    parts = multiaddr(raw).getComponents();
  } catch (error) {
    const detail = (error as Error).message;
    if (/65535/.test(detail)) throw new UsageError(`${flag} ${JSON.stringify(raw)}: the TCP port must be in [0, 65535]`);
    throw new UsageError(`${flag} ${JSON.stringify(raw)}: not a multiaddr (${detail}); e.g. ${EXAMPLE_LISTEN}`);
  }
  const [net, tcp, ...rest] = parts;
  const family = net?.name === "ip4" || net?.name === "ip6" ? net.name : net?.name === "dns" || net?.name === "dns4" || net?.name === "dns6" ? "dns" : null;
  if (!family || tcp?.name !== "tcp") throw new UsageError(`${flag} ${JSON.stringify(raw)}: expected a TCP address such as ${EXAMPLE_LISTEN}`);
  const port = Number(tcp.value);
  const p2p = rest.find((p) => p.name === "p2p");
  if (rest.some((p) => p.name !== "p2p")) throw new UsageError(`${flag} ${JSON.stringify(raw)}: only /p2p/PEER_ID may follow the TCP port`);
  return { host: family === "dns" ? null : net!.value ?? null, family, port, peer: p2p?.value ?? null };
}

/** Whether a TCP port can be bound on `host` now (it is released at once). */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `--listen` addresses: each a TCP multiaddr whose port (when not 0) is free now. */
export async function checkListen(addresses: readonly string[]): Promise<void> {
  for (const raw of addresses) {
    const a = await parseTcpMultiaddr(raw, "--listen");
    if (a.peer) throw new UsageError(`--listen ${JSON.stringify(raw)}: a listen address has no /p2p/ part`);
    if (a.port !== 0 && a.host !== null && !(await portIsFree(a.port, a.host))) {
      throw new UsageError(`--listen ${raw}: port ${a.port} on ${a.host} is in use (or not an address of this machine); pick another, or port 0 for any free one`);
    }
  }
}

/** `--bootstrap` addresses: TCP multiaddrs naming the peer (`…/p2p/ID`). */
export async function checkBootstrap(addresses: readonly string[]): Promise<void> {
  for (const raw of addresses) {
    const a = await parseTcpMultiaddr(raw, "--bootstrap");
    if (!a.peer) throw new UsageError(`--bootstrap ${JSON.stringify(raw)}: name the peer, e.g. ${EXAMPLE_LISTEN}/p2p/12D3KooW…`);
  }
}

/** `--api` port (not 0): free on `host` now. */
export async function checkApiPort(port: number, host = "127.0.0.1"): Promise<void> {
  if (port !== 0 && !(await portIsFree(port, host))) {
    throw new UsageError(`--api ${port}: port ${port} on ${host} is in use; pick another, or 0 for any free one`);
  }
}

/** The parameter schemas of the live protocols, loaded without libp2p. */
async function liveProtocol(name: string): Promise<ConsensusProtocol<unknown>> {
  const { isLiveProtocolName, liveProtocols } = await import("../runtime/node/protocols.js");
  if (!isLiveProtocolName(name)) throw new UsageError(`--protocol: unknown protocol ${JSON.stringify(name)}`);
  return liveProtocols[name];
}

/**
 * Check `--param` values against the protocol's schema. `defaults` are values the command
 * chose itself (devnet's Snowball K and α): an error about one of them says so.
 * @throws UsageError naming the parameter; an unknown name lists the valid ones
 */
export async function checkLiveParams(protocol: string, params: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>> = {}): Promise<void> {
  const schema = (await liveProtocol(protocol)).params;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  const valid = shape ? Object.keys(shape) : [];
  const unknown = Object.keys(params).filter((k) => shape && !(k in shape));
  if (unknown.length > 0) {
    throw new UsageError(`--param ${unknown[0]}: ${protocol} has no parameter ${JSON.stringify(unknown[0])} (valid: ${valid.join(", ")})`);
  }
  const parsed = schema.safeParse({ ...defaults, ...params });
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const name = issue.path.map(String).join(".");
  const chosen = name in params ? "" : name in defaults ? ` (the ${protocol} default for this devnet size: set it with --param ${name}=…)` : " (a default)";
  throw new UsageError(`--param ${name || "(params)"}: ${issue.message}${chosen}`);
}
