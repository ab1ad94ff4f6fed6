// The contracts UI: JavaScript modules under app/, no build step, checked by `npm run typecheck`
// against the server's API types (src/ui/api.ts). They read the JSON API of `contracts ui`
// (src/ui/server.ts) and the Server-Sent Events of the live tail; every text from the registry or
// a topic goes into the page as text (never as HTML).
//
// This file is index.html's deferred script: it loads the modules and starts the page.
// @ts-check
'use strict';

import('./app/main.js').then((main) => main.start());
