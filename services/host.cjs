// Starts services/main.ts with TypeScript compiled in this thread (tsx's require hook) instead of
// a module-loader thread: about 25 MiB less per process. The local sandbox runs its services
// hosts this way: node services/host.cjs host --roles adder,...,recorder
require('tsx/cjs');
require('./main.ts');
