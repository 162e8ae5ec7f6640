// The requester's flags and the line that says whether the run's answers reached MySQL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFlags } from '../../../../core/flags.js';
import { REQUEST_FLAGS, RequestUsageError, recordedText, requestArgs } from '../../../../services/requester/cli.js';

const parseRequestArgs = (argv: string[]) => requestArgs(parseFlags(REQUEST_FLAGS, argv, 'run request --help').options);

describe('requester command line', () => {
  it('validates flags before any connection', () => {
    assert.deepEqual(parseRequestArgs(['--from', 'c1']), {
      from: 'c1',
      count: 100,
      concurrency: 8,
      window: 256,
      timeoutMs: 2000,
      recordWaitS: 15,
      json: false,
    });
    assert.equal(parseRequestArgs(['--from', 'c2', '--count', '5', '--seed', '42', '--json']).seed, 42);
    assert.equal(parseRequestArgs(['--from', 'c2', '--window', '16', '--record-wait', '0']).window, 16);
    assert.throws(() => parseRequestArgs([]), RequestUsageError);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--count', '0']), /whole number >= 1/);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--window', '0']), /--window must be a whole number >= 1/);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--record-wait', 'soon']), /--record-wait must be a whole number >= 0/);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--concurrency', '-3']), /--concurrency must be a whole number >= 1; got '-3'/);
    assert.throws(() => parseRequestArgs(['--from', 'c1', '--bogus']), /Unknown option '--bogus'/);
    assert.equal(parseFlags(REQUEST_FLAGS, ['--help'], '').help, true);
  });

  it('says how many acknowledged answers are missing from MySQL, and what to look at', () => {
    assert.equal(
      recordedText({ expected: 5, stored: 5, unacked: 0, complete: true }, 'answers', 15),
      "recorded in MySQL answers.significant: 5 of this run's 5 acknowledged significant answers",
    );
    const short = recordedText({ expected: 5, stored: 3, unacked: 0, complete: false }, 'answers', 15);
    assert.match(short, /3 of this run's 5 acknowledged significant answers; within 15s 2 not stored/);
    assert.match(short, /status/);
    assert.match(
      recordedText({ expected: 5, stored: 0, unacked: 0, complete: false, error: 'ECONNREFUSED' }, 'answers', 15),
      /could not read .*ECONNREFUSED/,
    );
  });

  it('counts rows whose publish never got its ack apart: more rows than acks is not "-11 not stored"', () => {
    // A dead WAN router: 786 acked, 797 rows of the run (11 stored though their ack was lost).
    assert.equal(
      recordedText({ expected: 786, stored: 786, unacked: 11, complete: true }, 'answers', 15),
      "recorded in MySQL answers.significant: 786 of this run's 786 acknowledged significant answers (and 11 whose publish never got its ack: stored all the same, once each)",
    );
  });
});
