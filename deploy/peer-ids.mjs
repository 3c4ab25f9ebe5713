#!/usr/bin/env node
// The peer id each --key-seed LABEL gives, one "LABEL PEER_ID" line per label, for writing
// bootstrap addresses into a deployment file (deploy/compose.yaml, deploy/kubernetes/).
//   npm run build && node deploy/peer-ids.mjs node-0 node-1 node-2 node-3
import { keySeedFromLabel } from "../dist/runtime/node/key-label.js";
import { peerIdFromKeySeed } from "../dist/runtime/transport/keys.js";

const labels = process.argv.slice(2);
if (labels.length === 0) {
  process.stderr.write("usage: node deploy/peer-ids.mjs LABEL...\n");
  process.exit(2);
}
for (const label of labels) {
  try {
    process.stdout.write(`${label} ${peerIdFromKeySeed(keySeedFromLabel(label))}\n`);
  } catch (error) {
    process.stderr.write(`peer-ids: ${error.message}\n`);
    process.exit(2);
  }
}
