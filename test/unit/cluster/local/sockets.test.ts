import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProcNetTcp } from '../../../../cluster/local/sockets.js';

// Two rows as Linux writes them: a listener on 127.0.0.1:14222 and a connection from 127.0.0.1:40000 to it.
const TEXT = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:378E 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:9C40 0100007F:378E 01 00000000:00000000 00:00000000 00000000     0        0 81240 1 0000000000000000 20 4 30 10 -1
`;

describe('/proc/net/tcp', () => {
  it('gives each socket its ports, state and inode', () => {
    assert.deepEqual(parseProcNetTcp(TEXT), [
      { localPort: 14222, remotePort: 0, state: '0A', inode: '81234' },
      { localPort: 40000, remotePort: 14222, state: '01', inode: '81240' },
    ]);
  });
  it('skips the header and short lines', () => {
    assert.deepEqual(parseProcNetTcp('header only\n\n'), []);
  });
});
