// k3d-start: a laptop restarting Docker does not bring every pod of a sandbox back; this starts
// the clusters one after another and clears the pods left behind (the k3d provider's region up).
import { k3dLifecycle } from '../k3d-lifecycle.js';

export const command = k3dLifecycle(
  'k3d-start',
  "Start stopped k3d sandbox clusters one after another and clear the pods k3d does not bring back (all of the sandbox's clusters when no names are given).",
  'up',
);
