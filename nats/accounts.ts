// Accounts, users and their least privilege. One place: the servers' config, the Kubernetes
// values and the tests that probe permissions all read this.
import { APP_ACCOUNT, SYSTEM_ACCOUNT } from './topology.js';

export type Identity = 'sys' | 'admin' | 'math' | 'requester' | 'recorder';

export const IDENTITIES: readonly Identity[] = ['sys', 'admin', 'math', 'requester', 'recorder'];

export interface Permissions {
  publish: string[];
  subscribe: string[];
  /** May publish replies to the requests it received (services). */
  allowResponses?: boolean;
}

export interface UserSpec {
  identity: Identity;
  account: string;
  description: string;
  /** Undefined: everything in its account. */
  permissions?: Permissions;
}

/** Stream and durable consumer the recorder reads (see the JetStream spec). */
export const ANSWERS_STREAM = 'answers';
export const ANSWERS_CONSUMER = 'answers-consumer';

export const USERS: readonly UserSpec[] = [
  { identity: 'sys', account: SYSTEM_ACCOUNT, description: 'system account: server and cluster monitoring' },
  {
    identity: 'admin',
    account: APP_ACCOUNT,
    description: 'application account administrator: JetStream management, anything in the account',
  },
  {
    identity: 'math',
    account: APP_ACCOUNT,
    description: 'math services: answer requests and the services framework discovery',
    permissions: { publish: ['$SRV.>'], subscribe: ['$SRV.>', 'math.numbers.>', '_INBOX.>'], allowResponses: true },
  },
  {
    identity: 'requester',
    account: APP_ACCOUNT,
    description: 'requester: ask the math services, publish answers into JetStream',
    permissions: { publish: ['math.numbers.>', 'answers.*'], subscribe: ['_INBOX.>'] },
  },
  {
    identity: 'recorder',
    account: APP_ACCOUNT,
    description: 'recorder: read the answers stream through its durable pull consumer, nothing else',
    permissions: {
      // No `$JS.ACK...>` here: an ack is a response to the message delivered, and allow_responses
      // lets the recorder ack exactly the messages it was given. With the subject also allowed
      // explicitly the server never spends those response permissions and keeps every delivered
      // message's entry for two minutes, going through all of them on each delivery (seen: ~0.8 ms
      // of server CPU per message, the recorder capped near 2k rows/s).
      publish: [
        `$JS.API.CONSUMER.INFO.${ANSWERS_STREAM}.${ANSWERS_CONSUMER}`,
        `$JS.API.CONSUMER.MSG.NEXT.${ANSWERS_STREAM}.${ANSWERS_CONSUMER}`,
      ],
      // $SRV.> and allow_responses: the recorder answers the services framework's PING/INFO/STATS,
      // so `status` discovers it like the math services, and acks its messages (nothing else).
      subscribe: ['answers.*', '_INBOX.>', '$SRV.>'],
      allowResponses: true,
    },
  },
];
