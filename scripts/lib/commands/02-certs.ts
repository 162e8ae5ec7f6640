// Stage 02: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand('02-certs', 'Stage 02: cert-manager, trust-manager and the NATS PKI.');
