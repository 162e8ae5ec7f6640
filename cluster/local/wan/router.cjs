// Starts the WAN router (router.ts) with TypeScript compiled in this thread (tsx's require hook,
// no loader thread): node cluster/local/wan/router.cjs <router.json>
require('tsx/cjs');
require('./router.ts')
  .routerMain(process.argv[2])
  .catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
