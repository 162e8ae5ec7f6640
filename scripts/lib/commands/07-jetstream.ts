// Stage 07: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand('07-jetstream', 'Stage 07: streams, consumers and KV buckets from one spec.');
