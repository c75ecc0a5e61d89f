import { version as platformVersion } from 'zapier-platform-core';
import authentication = require('./authentication');
import { triggers } from './triggers';
import { creates, hydrators } from './creates';
import { searches, searchOrCreates } from './searches';

const app = {
  // Kept equal to package.json's version by test/app.test.ts.
  version: '1.0.0',
  platformVersion,
  authentication,
  triggers,
  creates,
  searches,
  searchOrCreates,
  hydrators,
};

export = app;
