// Zapier's runtime loads this file and uses its export as the app, without unwrapping `.default`.
module.exports = require('./dist/index.js');
