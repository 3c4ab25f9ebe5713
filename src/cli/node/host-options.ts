/**
 * The options that let nodes on different hosts reach each other and their APIs:
 * `--api-host` (the address the HTTP API binds), `--announce` (the libp2p addresses peers
 * are told to dial) and `--key-seed` (a node key derived from a public label, so a
 * deployment file can name peer ids in advance). Checked before the node starts: a bad
 * value is one line and exit 2.
 */
import { isIP } from "node:net";
import { UsageError } from "../../core/errors.js";
import { KEY_LABEL_PATTERN } from "../../runtime/node/key-label.js";
import { parseTcpMultiaddr, portIsFree } from "../live-options.js";

/**
 * `--api-host`: an IPv4 or IPv6 address of this machine (`0.0.0.0` or `::` for every
 * interface, as in a container).
 * @throws UsageError when it is not an IP address or not one of this machine's
 */
export async function checkApiHost(host: string): Promise<void> {
  if (isIP(host) === 0) throw new UsageError(`--api-host ${JSON.stringify(host)}: expected an IP address such as 127.0.0.1, 10.0.0.5 or 0.0.0.0 (every interface)`);
  if (!(await portIsFree(0, host))) throw new UsageError(`--api-host ${host}: not an address of this machine (the API cannot bind it)`);
}

const UNSPECIFIED = new Set(["0.0.0.0", "::"]);

/**
 * `--announce`: TCP multiaddrs peers can dial (`/ip4/H/tcp/P`, `/ip6/…`, `/dns4/NAME/tcp/P`),
 * with a real port and host and without `/p2p/` (libp2p appends the node's own id).
 */
export async function checkAnnounce(addresses: readonly string[]): Promise<void> {
  for (const raw of addresses) {
    const a = await parseTcpMultiaddr(raw, "--announce");
    if (a.peer) throw new UsageError(`--announce ${JSON.stringify(raw)}: leave out /p2p/…; the node adds its own peer id`);
    if (a.port === 0) throw new UsageError(`--announce ${JSON.stringify(raw)}: peers need the real port to dial, not 0`);
    if (a.host !== null && UNSPECIFIED.has(a.host)) throw new UsageError(`--announce ${JSON.stringify(raw)}: ${a.host} is not an address peers can dial; announce this host's reachable address or DNS name`);
  }
}

/** `--key-seed LABEL`: 1 to 64 of `[A-Za-z0-9._-]`. */
export function checkKeyLabel(label: string): void {
  if (!KEY_LABEL_PATTERN.test(label)) throw new UsageError(`--key-seed ${JSON.stringify(label)}: a label is 1 to 64 letters, digits, '.', '_' or '-' (e.g. node-0)`);
}
