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
};

export = app;
