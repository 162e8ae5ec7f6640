// The services bench's outside anchor: natscli's `nats bench` on the same sandbox in the same run,
// as the admin identity, loading what our figures load (a real answer published synchronously to
// answers.throwaway; a valid question to math.numbers.add) at the same concurrency and count.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANSWERS_STREAM } from '../nats/accounts.js';
import { THROWAWAY_SUBJECT } from '../nats/jetstream/spec.js';
import { clientEnv, connectAs } from './lib/clients.js';
import {
  connectionFlags,
  jsPublishArgs,
  type LoadShape,
  type NatsBenchFigures,
  runNatsBench,
  serviceRequestArgs,
} from './lib/nats-bench.js';
import { MATH_ADD } from './services-baselines.js';

/** The body nats bench sends math.numbers.add: a valid question, so every reply is an answer. */
const QUESTION = JSON.stringify({ first: 1, second: 2 });

export interface NatsBenchAnchor {
  /** The command lines it runs (`nats` for the binary). */
  commands: string[];
  publish: () => Promise<NatsBenchFigures>;
  request: () => Promise<NatsBenchFigures>;
}

/**
 * The anchor on a running sandbox: asks math.numbers.add once for a real answer (the payload of
 * the publishes), writes the payloads into `scratch`, and gives the two runs of `nats bench`.
 */
export async function natsBenchAnchor(
  bin: string,
  scratch: string,
  sandboxDir: string,
  load: { clients: number; msgs: number },
): Promise<NatsBenchAnchor> {
  const admin = await connectAs(sandboxDir, 'admin', 'c1');
  let answer: Uint8Array;
  try {
    answer = (await admin.request(MATH_ADD, QUESTION, { timeout: 5000 })).data;
  } finally {
    await admin.close();
  }
  const answerFile = join(scratch, 'nats-bench-answer.json');
  const questionFile = join(scratch, 'nats-bench-question.json');
  writeFileSync(answerFile, answer);
  writeFileSync(questionFile, QUESTION);
  const shape = (payloadFile: string, payloadBytes: number): LoadShape => ({ ...load, payloadFile, payloadBytes });
  const connection = connectionFlags(clientEnv(sandboxDir, 'admin', 'c1'));
  const publish = jsPublishArgs(ANSWERS_STREAM, THROWAWAY_SUBJECT, shape(answerFile, answer.length));
  const request = serviceRequestArgs(MATH_ADD, shape(questionFile, Buffer.byteLength(QUESTION)));
  const configHome = join(scratch, 'nats-config');
  return {
    commands: [publish, request].map((args) => `nats ${[...connection, ...args].join(' ')}`),
    publish: () => runNatsBench(bin, connection, publish, configHome),
    request: () => runNatsBench(bin, connection, request, configHome),
  };
}
