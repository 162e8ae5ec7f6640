// install: every stage in order, and a provider's head start begun right after the stage it waits for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Invocation, Provider } from '../../../../../cluster/provider.js';
import { install } from '../../../../../scripts/lib/commands/stages.js';

describe('install', () => {
  it('runs the stages in order and starts the head start right after its stage, before the next', async () => {
    const events: string[] = [];
    const stage = (id: string) => async () => {
      events.push(id);
    };
    const provider = {
      name: 'local',
      stages: { '01-clusters': stage('01'), '02-certs': stage('02'), '06-supercluster': stage('06'), '08-services': stage('08') },
      skipped: {},
      preflight: async () => {
        events.push('preflight');
      },
      headStart: { after: '02-certs', start: () => events.push('head start') },
    } as unknown as Provider;
    await install(provider, { names: ['c1'] } as unknown as Invocation);
    assert.deepEqual(events, ['preflight', '01', '02', 'head start', '06', '08']);
  });

  it('starts no head start when an earlier stage fails (bad input starts nothing)', async () => {
    const events: string[] = [];
    const provider = {
      name: 'local',
      stages: {
        '01-clusters': async () => {
          throw new Error('port 4222 is held by pid 1');
        },
      },
      skipped: {},
      headStart: { after: '02-certs', start: () => events.push('head start') },
    } as unknown as Provider;
    await assert.rejects(install(provider, { names: ['c1'] } as unknown as Invocation), /held by pid/);
    assert.deepEqual(events, []);
  });
});
