// Runs CLI commands in a worker thread, one after another, so their output can be captured
// without touching the test runner's own stdout, and the code base is loaded once per test file.
// Each message is { command, args, env }; each answer { code, stdout, stderr }.

import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runNamed } = await import('../../../scripts/lib/run.ts');
let stdout = '';
let stderr = '';
process.stdout.write = (chunk) => ((stdout += String(chunk)), true);
process.stderr.write = (chunk) => ((stderr += String(chunk)), true);

parentPort.on('message', async ({ command, args, env }) => {
  stdout = '';
  stderr = '';
  // This thread's environment is its own copy: set it as the command should see it.
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
  let code;
  try {
    code = await runNamed(command, args);
  } catch (e) {
    stderr += String(e?.stack ?? e);
    code = 99;
  }
  parentPort.postMessage({ code, stdout, stderr });
});
