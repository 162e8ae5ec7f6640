// Stage 06: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand(
  '06-supercluster',
  'Stage 06: the NATS servers of every cluster, joined into one supercluster, and a check that it converged.',
  true,
);
