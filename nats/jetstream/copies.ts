// Do the copies of each replicated stream agree? Every JetStream server reports the state of the
// stream copies it holds (JSZ with streams: messages, bytes, first and last sequence, deleted);
// a copy that holds more than its leader, or the same sequences with other contents, or stays
// behind a leader that is not moving, is a stream that would serve other data once that copy
// leads. nats-server gives no checksum of a stream's contents, so these are the numbers compared;
// the drills read every copy back message by message. Pure.

/** One server's copy of one stream, as that server's JSZ reports it. */
export interface StreamCopy {
  server: string;
  account: string;
  stream: string;
  /** The stream's leader as this server sees it. */
  leader?: string;
  /** On the leader's copy: the followers it counts as current (caught up with it). */
  currentFollowers?: string[];
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  deleted: number;
}

/** What JSZ (accounts and streams asked) answers of the streams a server holds. */
export interface JszStreams {
  server_name?: string;
  account_details?:
    | {
        name: string;
        stream_detail?:
          | {
              name: string;
              cluster?: { leader?: string; replicas?: { name: string; current?: boolean }[] | null };
              state?: { messages?: number; bytes?: number; first_seq?: number; last_seq?: number; num_deleted?: number };
            }[]
          | null;
      }[]
    | null;
}

/** The copies `server` reports in its JSZ answer. */
export function copiesIn(server: string, jsz: JszStreams | undefined): StreamCopy[] {
  return (jsz?.account_details ?? []).flatMap((a) =>
    (a.stream_detail ?? []).map(
      (s): StreamCopy => ({
        server,
        account: a.name,
        stream: s.name,
        ...(s.cluster?.leader ? { leader: s.cluster.leader } : {}),
        ...(s.cluster?.leader === server
          ? { currentFollowers: (s.cluster.replicas ?? []).filter((r) => r.current).map((r) => r.name) }
          : {}),
        messages: s.state?.messages ?? 0,
        bytes: s.state?.bytes ?? 0,
        firstSeq: s.state?.first_seq ?? 0,
        lastSeq: s.state?.last_seq ?? 0,
        deleted: s.state?.num_deleted ?? 0,
      }),
    ),
  );
}

export type Disagreement =
  /** The copy holds sequences its leader does not have. */
  | 'ahead'
  /** Same last sequence as the leader, other messages, bytes or first sequence. */
  | 'differs'
  /** Behind a leader that counts it as current, at both of two looks (not a copy catching up). */
  | 'behind';

export interface CopyDisagreement {
  account: string;
  stream: string;
  leader: StreamCopy;
  copy: StreamCopy;
  kind: Disagreement;
}

const key = (c: Pick<StreamCopy, 'account' | 'stream'>) => `${c.account}/${c.stream}`;

/** The leader's own copy: the one whose server says it leads the stream. */
function leaderCopies(copies: readonly StreamCopy[]): Map<string, StreamCopy> {
  const out = new Map<string, StreamCopy>();
  for (const c of copies) if (c.leader === c.server) out.set(key(c), c);
  return out;
}

function sameContents(a: StreamCopy, b: StreamCopy): boolean {
  return a.messages === b.messages && a.bytes === b.bytes && a.firstSeq === b.firstSeq && a.deleted === b.deleted;
}

/**
 * How the copies of one look disagree with their leaders, before any confirmation. A stream that
 * is being written disagrees for a moment all the time (servers answer at slightly different
 * instants): `confirmedDisagreements` keeps only what a second look shows again.
 */
export function disagreements(copies: readonly StreamCopy[]): CopyDisagreement[] {
  const leaders = leaderCopies(copies);
  const out: CopyDisagreement[] = [];
  for (const copy of copies) {
    const leader = leaders.get(key(copy));
    if (!leader || leader === copy) continue;
    let kind: Disagreement | undefined;
    if (copy.lastSeq > leader.lastSeq) kind = 'ahead';
    else if (copy.lastSeq < leader.lastSeq) kind = 'behind';
    else if (!sameContents(copy, leader)) kind = 'differs';
    if (kind) out.push({ account: copy.account, stream: copy.stream, leader, copy, kind });
  }
  return out.sort((a, b) => key(a).localeCompare(key(b)) || a.copy.server.localeCompare(b.copy.server));
}

/**
 * Disagreements that hold across two looks taken a moment apart, each judged so that a copy
 * merely in flight never counts:
 * - ahead: the copy already had, at the first look, a sequence its leader still lacks at the second;
 * - behind: the copy still lacks, at the second look, a sequence its leader had at the first, and
 *   the leader counts it as current (a copy catching up after a restart is not current, and
 *   healthz names it);
 * - differs: neither side moved between the looks, and their contents differ both times.
 * The leader must be the same server in both looks: an election in between is no verdict.
 */
export function confirmedDisagreements(first: readonly StreamCopy[], second: readonly StreamCopy[]): CopyDisagreement[] {
  const later = new Map(second.map((c) => [`${key(c)}@${c.server}`, c]));
  const laterLeaders = leaderCopies(second);
  const out: CopyDisagreement[] = [];
  for (const d of disagreements(first)) {
    const leader2 = laterLeaders.get(key(d));
    const copy2 = later.get(`${key(d)}@${d.copy.server}`);
    if (!leader2 || !copy2 || leader2.server !== d.leader.server) continue;
    const held =
      (d.kind === 'ahead' && d.copy.lastSeq > leader2.lastSeq) ||
      (d.kind === 'behind' && copy2.lastSeq < d.leader.lastSeq && (leader2.currentFollowers ?? []).includes(copy2.server)) ||
      (d.kind === 'differs' && copy2.lastSeq === d.copy.lastSeq && leader2.lastSeq === d.leader.lastSeq && !sameContents(copy2, leader2));
    if (held) out.push({ ...d, leader: leader2, copy: copy2 });
  }
  return out;
}

const state = (c: StreamCopy) =>
  `${c.messages} msgs, seq ${c.firstSeq}-${c.lastSeq}${c.deleted ? `, ${c.deleted} deleted` : ''}, ${c.bytes} B`;

/** One line for the user: what differs, and the way out that keeps the right copy. */
export function disagreementText(d: CopyDisagreement): string {
  const { stream, copy, leader } = d;
  const what =
    d.kind === 'ahead'
      ? `holds sequences its leader ${leader.server} does not (${state(copy)} against ${state(leader)})`
      : d.kind === 'behind'
        ? `is behind its leader ${leader.server}, which counts it as current (${state(copy)} against ${state(leader)})`
        : `holds other messages than its leader ${leader.server} at the same sequences (${state(copy)} against ${state(leader)})`;
  const fix =
    d.kind === 'ahead'
      ? `if ${copy.server}'s copy is the right one, make it lead: nats stream cluster step-down ${stream} --preferred ${copy.server}; else rebuild it from the leader: nats stream cluster peer-remove ${stream} ${copy.server}`
      : `rebuild it from the leader: nats stream cluster peer-remove ${stream} ${copy.server} (JetStream places a new copy and copies the leader's)`;
  return `stream ${stream}: the copy on ${copy.server} ${what}; fix: ${fix}`;
}

/** What a section of the observation holds of the copies: the lines, and the copies for --json. */
export function copiesReport(copies: readonly StreamCopy[], confirmed: readonly CopyDisagreement[]) {
  const replicated = new Map<string, number>();
  for (const c of copies) replicated.set(key(c), (replicated.get(key(c)) ?? 0) + 1);
  const compared = [...replicated.values()].filter((n) => n > 1);
  return {
    problems: confirmed.map((d) => ({ text: disagreementText(d) })),
    json: {
      streamCopies: copies.filter((c) => (replicated.get(key(c)) ?? 0) > 1),
      copyDisagreements: confirmed.map((d) => ({
        account: d.account,
        stream: d.stream,
        server: d.copy.server,
        leader: d.leader.server,
        kind: d.kind,
      })),
    },
    text: compared.length
      ? [
          `stream copies: ${compared.reduce((a, b) => a + b, 0)} copies of ${compared.length} replicated stream(s) compared with their leaders, ${confirmed.length ? `${confirmed.length} disagree` : 'all agree'}`,
        ]
      : [],
  };
}
