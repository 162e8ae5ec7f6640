// The outside anchor: natscli's own `nats bench` (the pinned v0.5.0), run on the bench's sandbox
// as the admin identity, so our figures can be read as ratios of what the reference client gets
// from the same servers at the same moment. Found as the tests find it; missing, it is skipped.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRunner } from '../../core/command.js';
import { SandboxError } from '../../core/errors.js';
import { locateGoTool, NATS_CLI, NATS_CLI_VERSION } from '../../core/go-tool.js';
import type { ClientEnv } from '../../nats/live/client.js';

/** What one `nats bench` run reports (bench_command.go and internal/bench/stats.go of natscli). */
export interface NatsBenchFigures {
  /** Its label of the benchmark, e.g. "JetStream synchronous publisher". */
  label: string;
  /** All clients together: messages of the job over the whole run's time. */
  msgsPerSecond: number;
  /** Latency per operation, microseconds, when it reports latencies. */
  p50Us?: number;
  p99Us?: number;
  /** Its WARNING lines (a client disconnected, an error): the figures are then not clean. */
  warnings: string[];
}

const number = (text: string) => Number(text.replace(/,/g, ''));

/**
 * Reads the report `nats bench` prints: "NATS <label> stats: <rate> msgs/sec ~ ... ~ P50: <x>us ~
 * ..." for one client, else a line per client and then " NATS <label> aggregated stats: <rate>
 * msgs/sec ~ ..." with " latencies per operation min ... | P50 <x>us | P90 ... | P99 <x>us | ...".
 */
export function parseNatsBenchReport(stdout: string, stderr = ''): NatsBenchFigures {
  const stats = /NATS (.+?) (aggregated )?stats: ([\d,]+) msgs\/sec(.*)$/m.exec(stdout);
  if (!stats)
    throw new SandboxError(`nats bench printed no stats line:\n${`${stdout}\n${stderr}`.trim().split('\n').slice(-8).join('\n')}`);
  const latencies = stats[2] ? (/latencies per operation (.*)$/m.exec(stdout)?.[1] ?? '') : stats[4]!;
  const p50 = /P50:? ([\d,.]+)us/.exec(latencies)?.[1];
  const p99 = /P99:? ([\d,.]+)us/.exec(latencies)?.[1];
  return {
    label: stats[1]!,
    msgsPerSecond: number(stats[3]!),
    ...(p50 ? { p50Us: number(p50) } : {}),
    ...(p99 ? { p99Us: number(p99) } : {}),
    warnings: `${stdout}\n${stderr}`
      .split('\n')
      .filter((l) => /WARNING/.test(l))
      .map((l) => l.trim()),
  };
}

/** The pinned nats CLI (NATS_CLI_BIN, the tools cache, a build now when Go is here, or PATH), or why not. */
export async function findNatsCli(env: NodeJS.ProcessEnv = process.env): Promise<{ path: string } | { missing: string }> {
  const explicit = env[NATS_CLI.binEnv];
  const found = await locateGoTool(NATS_CLI, NATS_CLI_VERSION, {
    env,
    ...(explicit ? { explicit } : {}),
    runner: createRunner(false),
    say: (line) => console.log(`  (${line})`),
  });
  if (found) return { path: found.path };
  if (explicit) return { missing: `${NATS_CLI.binEnv}=${explicit} is not an executable nats CLI` };
  return {
    missing: `the nats CLI (natscli v${NATS_CLI_VERSION}) is missing: install Go, run npx zx scripts/tools.mjs or set ${NATS_CLI.binEnv}`,
  };
}

/** The connection flags of an identity: its servers and its client certificate (else its password). */
export function connectionFlags(client: ClientEnv): string[] {
  const tls = client.NATS_TLS_DIR;
  return [
    '--no-context',
    '--server',
    client.NATS_URL,
    ...(tls ? ['--tlsca', join(tls, 'ca.crt'), '--tlscert', join(tls, 'tls.crt'), '--tlskey', join(tls, 'tls.key')] : []),
    ...(client.NATS_USER ? ['--user', client.NATS_USER] : []),
    ...(client.NATS_PASSWORD ? ['--password', client.NATS_PASSWORD] : []),
  ];
}

export interface LoadShape {
  clients: number;
  msgs: number;
  /** A file holding the payload every message carries, and its size in bytes. */
  payloadFile: string;
  payloadBytes: number;
}

const shapeFlags = (s: LoadShape) => [
  '--clients',
  String(s.clients),
  '--msgs',
  String(s.msgs),
  '--payload',
  s.payloadFile,
  '--size',
  String(s.payloadBytes),
  '--no-progress',
];

/**
 * Synchronous JetStream publishes (each client awaits its ack before the next) to `subject` of an
 * existing stream, each with a message id: neither --create nor --purge, so the stream is used
 * as it is and nothing else is made or removed.
 */
export function jsPublishArgs(stream: string, subject: string, shape: LoadShape): string[] {
  return ['bench', 'js', 'pub', 'sync', subject, '--stream', stream, '--dedup', ...shapeFlags(shape)];
}

/** Service requests (each client awaits its reply before the next); a reply starting with '-' or holding "error" fails it. */
export function serviceRequestArgs(subject: string, shape: LoadShape): string[] {
  return ['bench', 'service', 'request', subject, ...shapeFlags(shape)];
}

const run = promisify(execFile);

/**
 * Runs `nats <connection> <args>` with a config folder of its own (no context of this machine's
 * user is read) and no NATS_* variables but the flags; returns its figures.
 */
export async function runNatsBench(
  bin: string,
  connection: readonly string[],
  args: readonly string[],
  configHome: string,
): Promise<NatsBenchFigures> {
  mkdirSync(configHome, { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NATS_')));
  try {
    const { stdout, stderr } = await run(bin, [...connection, ...args], {
      env: { ...env, XDG_CONFIG_HOME: configHome },
      maxBuffer: 16 << 20,
      timeout: 10 * 60_000,
    });
    return parseNatsBenchReport(stdout, stderr);
  } catch (e) {
    if (e instanceof SandboxError) throw e;
    const err = e as Error & { stdout?: string; stderr?: string };
    const tail = `${err.stdout ?? ''}\n${err.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new SandboxError(`nats ${args.join(' ')} failed: ${err.message.split('\n')[0]}\n${tail}`);
  }
}
