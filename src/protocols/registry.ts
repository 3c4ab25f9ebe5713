/** Every protocol a scenario can name. */
import { emtdSeed } from "./emtd-seed/index.js";
import { tmeshSeed } from "./tmesh-seed/index.js";

export const protocols = {
  "emtd-seed": emtdSeed,
  "tmesh-seed": tmeshSeed,
} as const;

/** Any registered protocol, with its parameter type erased. */
export type AnyProtocol = (typeof protocols)[ProtocolName];

export type ProtocolName = keyof typeof protocols;

export const protocolNames = Object.keys(protocols) as ProtocolName[];
