// Errors of the nats/ layer: input the model cannot build a supercluster from and a client it
// cannot connect (the user's to correct: exit 2), and a stream leader it could not place (a
// run-time failure: exit 1). core/errors.ts maps them to their exit codes.

/** Input the model cannot build a supercluster from. */
export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** A client process whose connection settings (NATS_URL, NATS_TLS_DIR...) are missing or wrong. */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError';
}

/** A stream's leader did not get to the server it was asked to move to. */
export class StreamLeaderError extends Error {
  override name = 'StreamLeaderError';
}
