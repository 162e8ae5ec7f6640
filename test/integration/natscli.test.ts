// The real nats CLI (natscli, pinned) judges the sandbox from outside: the contexts `contexts`
// makes, the servers, JetStream and services as natscli sees them, least privilege as it meets
// it, and natscli's health checks beside our own `status` through the loss and return of a region.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { poll } from '../../core/poll.js';
import { ANSWERS_STREAM, IDENTITIES, type Identity } from '../../nats/accounts.js';
import { contextName, contextPrefix } from '../../nats/cli-contexts.js';
import type { Cause } from '../../nats/diagnose.js';
import type { StatusJson } from '../../nats/report.js';
import { buildTopology } from '../../nats/topology.js';
import { OPERATIONS } from '../../services/math/operations.js';
import { DIVIDE_REQUEST_SCHEMA, MATH_REQUEST_SCHEMA, MATH_RESPONSE_SCHEMA } from '../../services/schemas.js';
import {
  makeSandbox,
  parseJson,
  type ProgramRun as Run,
  runProgram as run,
  runScript,
  type Sandbox,
  TEST_AUTH,
} from '../support/helpers.js';
import { portBase } from '../support/ports.js';
import { natsCli } from '../support/tools.js';

const NAMES = ['c1', 'c2', 'c3'];
const TOPOLOGY = buildTopology(NAMES);
const JETSTREAM_SERVERS = TOPOLOGY.servers.filter((s) => s.jetstream).length;
const SERVICES = NAMES.flatMap((region) => [...OPERATIONS.map((op) => `${op.service}-${region}`), `recorder-${region}`]);

interface Setup {
  sandbox: Sandbox;
  /** The nats CLI binary. */
  bin: string;
  /** The nats CLI's environment: a HOME and XDG_CONFIG_HOME of the test's own, nothing NATS_* of the user's. */
  cliEnv: (xdg: string) => NodeJS.ProcessEnv;
  /** Where the contexts piped to `sh` live (the one every later command uses). */
  xdg: string;
  context: (cluster: string, identity: Identity) => string;
  nats: (identity: Identity, args: string[], timeoutMs?: number) => Promise<Run>;
}

let setup: Promise<Setup> | undefined;
let made: Sandbox | undefined;

/** The pinned CLI (else the test is skipped) and, once for the whole file, the full default sandbox. */
async function ready(t: TestContext): Promise<Setup | undefined> {
  const bin = await natsCli(t);
  if (!bin) return undefined;
  setup ??= (async () => {
    const sandbox = makeSandbox(portBase('natscli'), { MYSQL_URL: '' });
    made = sandbox;
    const installed = await runScript('install', NAMES, sandbox.env, 300_000);
    assert.equal(installed.code, 0, installed.stdout + installed.stderr);
    const home = join(sandbox.dir, '..', 'natscli-home');
    mkdirSync(home, { recursive: true });
    const cliEnv = (xdg: string) => ({
      PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CONFIG_HOME: xdg,
      NO_COLOR: '1',
    });
    const xdg = join(home, 'piped');
    const prefix = contextPrefix(sandbox.dir);
    const context = (cluster: string, identity: Identity) => contextName(prefix, cluster, identity);
    return {
      sandbox,
      bin,
      cliEnv,
      xdg,
      context,
      // Every context is c1's: its seed servers stay up when c3 goes down.
      nats: (identity, args, timeoutMs = 30_000) => run(bin, ['--context', context('c1', identity), ...args], cliEnv(xdg), timeoutMs),
    };
  })();
  return setup;
}

/**
 * natscli's checks. The meta check asks $SYS.REQ.SERVER.PING.JSZ (jsm.go monitor/meta.go): the
 * system account's; the others use the account's JetStream API (admin), which sys does not have.
 */
const CHECKS: { name: string; identity: Identity; args: string[] }[] = [
  {
    name: 'meta',
    identity: 'sys',
    args: ['server', 'check', 'meta', '--expect', String(JETSTREAM_SERVERS), '--lag-critical', '100', '--seen-critical', '5s'],
  },
  { name: 'jetstream', identity: 'admin', args: ['server', 'check', 'jetstream'] },
  {
    name: `stream ${ANSWERS_STREAM}`,
    identity: 'admin',
    // one replica per datacenter
    args: [
      'server',
      'check',
      'stream',
      '--stream',
      ANSWERS_STREAM,
      '--peer-expect',
      '3',
      '--peer-lag-critical',
      '100',
      '--peer-seen-critical',
      '10s',
    ],
  },
];

interface Judgement {
  status: { ok: boolean; problems: string[]; causes: string[] };
  checks: { name: string; code: number; line: string }[];
}

/** One round: our status and natscli's checks, asked at once. */
async function judge(s: Setup): Promise<Judgement> {
  const [status, ...checks] = await Promise.all([
    runScript('status', ['--json'], s.sandbox.env, 60_000),
    ...CHECKS.map((c) => s.nats(c.identity, c.args)),
  ]);
  const json = parseJson<StatusJson & { causes: Cause[] }>(status.stdout);
  assert.equal(status.code, json.ok ? 0 : 1, status.stderr);
  return {
    status: { ok: json.ok, problems: json.problems, causes: json.causes.map((c) => c.summary) },
    checks: checks.map((r, i) => ({ name: CHECKS[i]!.name, code: r.code, line: (r.stdout.split('\n')[0] ?? '').split(' | ')[0]! })),
  };
}

const checkHealthy = (c: Judgement['checks'][number]) => c.code === 0 && c.line.startsWith('OK ');
const checkUnhealthy = (c: Judgement['checks'][number]) => c.code !== 0 && /^(WARNING|CRITICAL) /.test(c.line);
const describeRound = (j: Judgement) =>
  `status ok=${j.status.ok} (${j.status.problems.slice(0, 3).join('; ') || 'no problems'}); ${j.checks.map((c) => `${c.name}: exit ${c.code} ${c.line}`).join('; ')}`;

/**
 * Poll until status and every check agree on `healthy`; rounds where they disagree are kept and
 * shown (a region's servers are gone before natscli's meta leader marks them offline, and the
 * services come back after JetStream does: moments, not verdicts).
 */
/**
 * Polls until status and natscli agree on `healthy`, and `settled` holds (a check can be CRITICAL
 * for a passing reason first: its JSZ request times out while the meta group elects a new leader).
 */
async function untilAgreed(
  t: TestContext,
  s: Setup,
  healthy: boolean,
  timeoutMs: number,
  settled: (j: Judgement) => boolean = () => true,
): Promise<Judgement> {
  let last: Judgement | undefined;
  const started = performance.now();
  const result = await poll({
    timeoutMs,
    intervalMs: 1000,
    attempt: async () => {
      const j = await judge(s);
      last = j;
      const statusSays = j.status.ok === healthy;
      const checksSay = j.checks.every(healthy ? checkHealthy : checkUnhealthy);
      if (statusSays && checksSay && settled(j)) return j;
      if (statusSays || j.checks.some(healthy ? checkHealthy : checkUnhealthy)) {
        t.diagnostic(`+${((performance.now() - started) / 1000).toFixed(1)}s not yet agreed: ${describeRound(j)}`);
      }
      return undefined;
    },
  });
  assert.ok(
    result.value,
    `status and natscli did not agree on ${healthy ? 'healthy' : 'unhealthy'} within ${timeoutMs} ms; last: ${last ? describeRound(last) : result.lastError}`,
  );
  t.diagnostic(`agreed on ${healthy ? 'healthy' : 'unhealthy'} after ${(result.elapsedMs / 1000).toFixed(1)}s`);
  return result.value;
}

describe('the nats CLI judges the sandbox', { timeout: 900_000 }, () => {
  after(async () => {
    await made?.cleanup();
  });

  it('accepts the contexts contexts.mjs prints (piped to sh) and writes (--write), for every identity', async (t) => {
    const s = await ready(t);
    if (!s) return;
    const printed = await runScript('contexts', [...NAMES, '--identity', 'all'], s.sandbox.env);
    assert.equal(printed.code, 0, printed.stderr);
    const added = await run('sh', [], s.cliEnv(s.xdg), 60_000, printed.stdout);
    assert.equal(added.code, 0, added.stdout + added.stderr);
    const written = join(s.sandbox.dir, '..', 'natscli-home', 'written');
    const wrote = await runScript('contexts', [...NAMES, '--identity', 'all', '--write'], { ...s.sandbox.env, XDG_CONFIG_HOME: written });
    assert.equal(wrote.code, 0, wrote.stderr);

    const names = NAMES.flatMap((c) => IDENTITIES.map((id) => s.context(c, id))).sort();
    for (const xdg of [s.xdg, written]) {
      const env = s.cliEnv(xdg);
      const ls = await run(s.bin, ['context', 'ls', '--json'], env, 20_000);
      assert.equal(ls.code, 0, ls.stderr);
      assert.deepEqual(
        parseJson<{ name: string }[]>(ls.stdout)
          .map((c) => c.name)
          .sort(),
        names,
      );
      // validate: every file readable, and --connect: each identity's certificate gets it in
      const valid = await run(s.bin, ['context', 'validate', '--connect'], env, 60_000);
      assert.equal(valid.code, 0, valid.stdout + valid.stderr);
      assert.equal(valid.stdout.match(/^\s+Connection: OK$/gm)?.length, names.length, valid.stdout);
      const info = await run(s.bin, ['context', 'info', s.context('c2', 'requester')], env, 20_000);
      assert.equal(info.code, 0, info.stderr);
      // mTLS: the identity's certificate; operator mode: its creds file, the CA still checking the server.
      const files =
        TEST_AUTH === 'jwt'
          ? { Credentials: '\\S+/jwt/users/requester\\.creds', CA: '\\S+/clients/requester/ca\\.crt' }
          : {
              Certificate: '\\S+/clients/requester/tls\\.crt',
              Key: '\\S+/clients/requester/tls\\.key',
              CA: '\\S+/clients/requester/ca\\.crt',
            };
      for (const [label, file] of Object.entries(files)) assert.match(info.stdout, new RegExp(`^\\s+${label}: ${file} \\(OK\\)$`, 'm'));
      const mode = TEST_AUTH === 'jwt' ? 'JWT' : 'mTLS';
      assert.match(
        info.stdout,
        new RegExp(`Description: NATS sandbox c2, requester \\(least privilege: asks math, publishes answers\\), ${mode}`),
      );
    }
    // what --write writes is what `nats context add` makes of the printed command
    const fields = async (xdg: string) => {
      const r = await run(s.bin, ['context', 'info', s.context('c3', 'sys'), '--json'], s.cliEnv(xdg), 20_000);
      const c = parseJson<Record<string, unknown>>(r.stdout);
      return [c.description, c.url, c.ca, c.cert, c.key, c.creds];
    };
    assert.deepEqual(await fields(written), await fields(s.xdg));
  });

  it('server list sees all 36 servers, through the system account', async (t) => {
    const s = await ready(t);
    if (!s) return;
    // `server list` asks $SYS.REQ.SERVER.PING (natscli tags it scope:system): only the system
    // account gets every server's statsz, so it is c1's sys context, not admin's.
    const list = await s.nats('sys', ['server', 'list', String(TOPOLOGY.servers.length), '--json']);
    assert.equal(list.code, 0, list.stderr);
    const servers = parseJson<{ server: { name: string; cluster: string } }[]>(list.stdout);
    assert.deepEqual(servers.map((x) => x.server.name).sort(), TOPOLOGY.servers.map((x) => x.name).sort());
    const table = await s.nats('sys', ['server', 'list', String(TOPOLOGY.servers.length)]);
    assert.equal(table.code, 0, table.stderr);
    for (const cluster of [...NAMES, 'xr-js']) assert.match(table.stdout, new RegExp(`│ ${cluster}\\s+│\\s+9 │\\s+27 │\\s+27 │`));
    const asAdmin = await s.nats('admin', ['server', 'list', '--timeout', '1s']);
    assert.equal(asAdmin.code, 1);
    assert.match(asAdmin.stderr, /no results received, ensure the account used has system privileges/);
  });

  it('passes the meta, jetstream and answers stream checks on the healthy sandbox, as status does', async (t) => {
    const s = await ready(t);
    if (!s) return;
    const j = await untilAgreed(t, s, true, 60_000);
    assert.match(j.checks[0]!.line, new RegExp(`^OK JetStream Meta Cluster OK:${JETSTREAM_SERVERS} peers led by `));
    assert.match(j.checks[2]!.line, /^OK answers OK:3 peers OK:replicas are current OK:replicas are active/);
  });

  it('stream-check sees every copy of the answers stream in sync, with the numbers status compares', async (t) => {
    const s = await ready(t);
    if (!s) return;
    await untilAgreed(t, s, true, 60_000);
    // natscli's per-copy view (JSZ of every server, compared by natscli's own rules: messages,
    // bytes, first and last sequence) beside the copies status compares. Every server answers
    // JSZ, JetStream or not: --expected counts them all, or natscli stops at the first half.
    const [check, status] = await Promise.all([
      s.nats('sys', ['server', 'stream-check', '--stream', ANSWERS_STREAM, '--expected', String(TOPOLOGY.servers.length), '--csv']),
      runScript('status', ['--json'], s.sandbox.env, 60_000),
    ]);
    assert.equal(check.code, 0, check.stderr);
    // natscli prints "Connected in ..." first; the table starts at its header.
    const lines = check.stdout.trim().split('\n');
    const [header, ...rows] = lines.slice(lines.findIndex((l) => l.startsWith('Stream Replica,'))).map((l) => l.split(','));
    const col = (name: string) => header!.indexOf(name);
    const natscli = rows
      .map((r) => ({
        server: r[col('Node')]!.replace(/\*$/, ''),
        messages: Number(r[col('Messages')]),
        firstSeq: Number(r[col('First')]),
        lastSeq: Number(r[col('Last')]),
        status: r[col('Status')],
      }))
      .sort((a, b) => a.server.localeCompare(b.server));
    assert.equal(natscli.length, 3, check.stdout);
    assert.ok(
      natscli.every((r) => r.status === 'IN SYNC'),
      check.stdout,
    );
    const json = parseJson<{
      streamCopies: { server: string; stream: string; messages: number; firstSeq: number; lastSeq: number }[];
      copyDisagreements: unknown[];
    }>(status.stdout);
    assert.deepEqual(json.copyDisagreements, []);
    const ours = json.streamCopies
      .filter((c) => c.stream === ANSWERS_STREAM)
      .map((c) => ({ server: c.server, messages: c.messages, firstSeq: c.firstSeq, lastSeq: c.lastSeq, status: 'IN SYNC' }))
      .sort((a, b) => a.server.localeCompare(b.server));
    assert.deepEqual(ours, natscli);
  });

  it('lists the 15 services and shows the math endpoints with their schemas', async (t) => {
    const s = await ready(t);
    if (!s) return;
    const table = await s.nats('admin', ['micro', 'ls']);
    assert.equal(table.code, 0, table.stderr);
    for (const name of SERVICES) assert.match(table.stdout, new RegExp(`│ ${name}\\s+│`));
    // natscli shows the endpoint metadata, where the services publish their schemas: whole in
    // JSON, cut to the screen width ("first ... last") in the table
    interface Info {
      name: string;
      endpoints: { name: string; subject: string; queue_group: string; metadata: Record<string, string> }[];
    }
    const ls = await s.nats('admin', ['micro', 'ls', '--json']);
    const infos = parseJson<Info[]>(ls.stdout);
    assert.deepEqual(infos.map((i) => i.name).sort(), [...SERVICES].sort());
    for (const info of infos.filter((i) => !i.name.startsWith('recorder-'))) {
      const op = OPERATIONS.find((o) => info.name.startsWith(`${o.service}-`))!;
      const [e] = info.endpoints;
      assert.deepEqual([info.endpoints.length, e!.subject, e!.queue_group], [1, `math.numbers.${op.name}`, 'math'], info.name);
      const request = op.name === 'divide' ? DIVIDE_REQUEST_SCHEMA : MATH_REQUEST_SCHEMA;
      assert.deepEqual(JSON.parse(e!.metadata['request-schema']!), request, info.name);
      assert.deepEqual(JSON.parse(e!.metadata['response-schema']!), MATH_RESPONSE_SCHEMA, info.name);
    }
    const info = await s.nats('admin', ['micro', 'info', 'adder-c2']);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /Service: adder-c2 \(/);
    assert.match(info.stdout, /Subject: math\.numbers\.add\n\s+Queue Group: math\n/);
    assert.match(info.stdout, /request-schema: \{"\$id":"math-request"/);
    assert.match(info.stdout, /response-schema: \{"\$id":"math-response"/);
  });

  it('answers the requester, and refuses the recorder, which gets no answer', async (t) => {
    const s = await ready(t);
    if (!s) return;
    const body = '{"first":1,"second":2}';
    const asked = await s.nats('requester', ['req', 'math.numbers.add', body, '--raw']);
    assert.equal(asked.code, 0, asked.stderr);
    assert.match(asked.stdout, /"result":3\b/);
    // The server refuses the publish (an asynchronous -ERR); natscli logs it and, with no reply
    // by its timeout, ends its request loop and exits 0 (req_command.go): no answer is the verdict.
    const refused = await s.nats('recorder', ['req', 'math.numbers.add', body, '--timeout', '2s']);
    assert.equal(refused.code, 0, refused.stderr);
    assert.match(refused.stderr, /Permissions Violation for Publish to "math\.numbers\.add"/);
    assert.doesNotMatch(refused.stderr, /Received with rtt/);
    assert.equal(refused.stdout.trim(), '');
  });

  it('reports the loss of c3 when status does, and health again when status does', async (t) => {
    const s = await ready(t);
    if (!s) return;
    const down = await runScript('region', ['c3', '--down'], s.sandbox.env);
    assert.equal(down.code, 0, down.stdout + down.stderr);
    // the stretched stream takes writes with two of three replicas; c3's falls behind
    const published = await s.nats('requester', ['pub', 'answers.throwaway', '{"n":{{ Count }}}', '--jetstream', '--count', '300']);
    assert.equal(published.code, 0, published.stdout + published.stderr);

    const metaSaysOffline = /^CRITICAL JetStream Meta Cluster .*Crit:6 (offline|not current|inactive)/;
    const streamSaysOffline = /^CRITICAL answers .*Crit:1 replicas (offline|lagged|inactive)/;
    const lost = await untilAgreed(
      t,
      s,
      false,
      60_000,
      (j) => metaSaysOffline.test(j.checks[0]!.line) && streamSaysOffline.test(j.checks[2]!.line),
    );
    assert.ok(lost.status.causes.includes('region c3 is down: none of its 12 servers answer'), lost.status.causes.join('\n'));
    const [meta, , stream] = lost.checks;
    assert.match(meta!.line, metaSaysOffline);
    assert.match(stream!.line, streamSaysOffline);

    const up = await runScript('region', ['c3', '--up'], s.sandbox.env, 300_000);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    await untilAgreed(t, s, true, 60_000);
  });
});
