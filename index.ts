import { version as platformVersion } from 'zapier-platform-core';
import authentication = require('./authentication');
import { triggers } from './triggers';
import { creates, hydrators } from './creates';
import { searches, searchOrCreates } from './searches';
import { compileDefinitionsOnce } from './platform/compile-once';
import { VERSION } from './platform/version';

compileDefinitionsOnce();

const app = {
  version: VERSION,
  platformVersion,
  authentication,
  triggers,
  creates,
  searches,
  searchOrCreates,
  hydrators,
  flags: {
    // Kept on, and said so (Zapier's check D028 asks): an empty input means "not given" everywhere
    // in this app; why, in docs/architecture.md ("Empty inputs").
    cleanInputData: true,
    // Every request goes through z.request, which logs it once. Core's http patch would log each
    // again: it skips z.request's own only when node-fetch hands http.request the header
    // `user-agent: ['Zapier']` (zapier-platform-core src/tools/create-http-patch.js, an
    // Array#indexOf on node-fetch's header arrays), and ours names the app and its version.
    skipHttpPatch: true,
  },
};

export = app;
