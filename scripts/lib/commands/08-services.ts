// Stage 08: see stage.ts.
import { stageCommand } from '../stage.js';

export const command = stageCommand('08-services', 'Stage 08: MySQL, math services, recorder and requester.');
