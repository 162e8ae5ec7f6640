// Stage 04: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand('04-observability', 'Stage 04: kube-prometheus-stack, linkerd-viz and NATS monitors.');
