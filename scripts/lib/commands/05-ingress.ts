// Stage 05: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand('05-ingress', 'Stage 05: haproxy ingress with TCP 4222 and 7222.');
