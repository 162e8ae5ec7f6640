// Stage 03: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand('03-linkerd', 'Stage 03: linkerd PKI, control plane, multicluster and links.');
