// Stage 01: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand(
  '01-clusters',
  'Stage 01: create the clusters (k3d), check the contexts (kube), or plan ports and check tools (local).',
  true,
);
