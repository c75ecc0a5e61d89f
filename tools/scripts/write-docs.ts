/** `npm run docs`: writes docs/ from the event catalog, the field tables and the app definition. */
import app = require('../../index');
import { type AppDefinition, writeDocs } from './docs';

const changed = writeDocs(process.cwd(), app as unknown as AppDefinition);
console.log(changed.length ? `wrote ${changed.join(', ')}` : 'docs/ is up to date');
