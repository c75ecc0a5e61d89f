// Zapier's runtime loads this file and uses its export as the app, without unwrapping `.default`.
// dist/app.js is the whole app in one file (npm run build): one module to read instead of ~40
// halves the app's share of a cold start.
module.exports = require('./dist/app.js');
