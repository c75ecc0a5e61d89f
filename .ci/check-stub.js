// Offline stand-in for Zapier's integration-check service, which `zapier-platform build` calls
// and this machine cannot reach. It reports no findings, so the build's own steps are what CI tests.
const http = require('node:http');

const EMPTY = { total_failures: 0, results: [] };
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ passes: [], errors: EMPTY, warnings: EMPTY, suggestions: EMPTY }));
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
