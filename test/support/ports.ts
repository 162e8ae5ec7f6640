// One table of the loopback port bases the integration tests use: each file its own range of 1000
// ports, so files running at once never collide. TEST_PORT_SHIFT moves them all (a second
// checkout testing beside this one). Every base stays below the kernel's ephemeral range (32768).
const BASES = {
  localLifecycle: 21000,
  localFull: 22000,
  localBadInput: 23000,
  security: 24000,
  regionLoss: 25000,
  k8sJetStreamJob: 26000,
  reliability: 28000,
  servicesMath: 29000,
  servicesRecorder: 30000,
  jetstreamApply: 31000,
  ui: 27000,
  wan: 18000,
  drill: 19000,
  natscli: 20000,
  edges: 17000,
  jwt: 16000,
  fullStore: 15000,
  websocket: 14000,
  jwtEdges: 13000,
} as const;

export type TestPorts = keyof typeof BASES;

export const PORT_SHIFT = Number(process.env.TEST_PORT_SHIFT ?? 0);

export function portBase(name: TestPorts): number {
  return BASES[name] + PORT_SHIFT;
}
