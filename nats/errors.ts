// Errors of the pure model: input it cannot build a supercluster from, or a client it cannot
// connect. Both are the user's to correct; core/errors.ts maps them to exit code 2.

/** Input the model cannot build a supercluster from. */
export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** A client process whose connection settings (NATS_URL, NATS_TLS_DIR...) are missing or wrong. */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}
