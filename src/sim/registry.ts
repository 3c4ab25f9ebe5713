/**
 * Every protocol a scenario can name. Seed demos are protocol definitions as they are;
 * consensus protocols run under the consensus cycle or event driver (the scenario's `driver`).
 */
import { emtdSeed } from "../protocols/emtd-seed/index.js";
import { tmeshSeed } from "../protocols/tmesh-seed/index.js";
import { snowball } from "../protocols/snowball/index.js";
import { gossipAvg } from "../protocols/gossip-avg/index.js";
import { emtd } from "../protocols/emtd/index.js";
import { tmesh } from "../protocols/tmesh/index.js";
import { consensusDefinition } from "./consensus/definition.js";

export const protocols = {
  "emtd-seed": emtdSeed,
  "tmesh-seed": tmeshSeed,
  emtd: consensusDefinition(emtd),
  tmesh: consensusDefinition(tmesh),
  snowball: consensusDefinition(snowball),
  "gossip-avg": consensusDefinition(gossipAvg),
} as const;

export type ProtocolName = keyof typeof protocols;

/** Any registered protocol, with its parameter type erased. */
export type AnyProtocol = (typeof protocols)[ProtocolName];

export const protocolNames = Object.keys(protocols) as ProtocolName[];
