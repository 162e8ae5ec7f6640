// k3d-stop: stop the sandbox's k3d clusters (the k3d provider's region down); k3d-start brings them back.
import { k3dLifecycle } from '../k3d-lifecycle.js';

export const command = k3dLifecycle(
  'k3d-stop',
  "Stop k3d sandbox clusters (all of the sandbox's clusters when no names are given); k3d-start brings them back.",
  'down',
);
