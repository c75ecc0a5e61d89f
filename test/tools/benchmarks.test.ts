// docs/benchmarks.md shows the figures of tools/bench/results.json, as `npm run bench` wrote them.
import fs from 'node:fs';
import path from 'node:path';

interface Stats {
  min: number;
  median: number;
  max: number;
}
interface Row extends Stats {
  group: string;
  id: string;
  label: string;
  rounds: number;
  against?: string;
  ratio?: Stats;
  limit?: number;
}
interface Results {
  config: { rounds: number; coldRounds: number };
  rows: Row[];
  logs: { case: string; requests: number; entries: number }[];
}

// tools/bench/ is plain JavaScript run by Node; its report module is the one run.js writes the doc with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const report = require('../../tools/bench/report') as {
  disagreements: (
    document: string,
    results: Results,
  ) => { line: number; shown: string | null; expected: string | null }[];
};

const root = path.join(__dirname, '..', '..');
const results = JSON.parse(
  fs.readFileSync(path.join(root, 'tools', 'bench', 'results.json'), 'utf8'),
) as Results;
const document = fs.readFileSync(path.join(root, 'docs', 'benchmarks.md'), 'utf8');

describe('docs/benchmarks.md', () => {
  it('shows exactly the figures of tools/bench/results.json', () => {
    expect(report.disagreements(document, results)).toEqual([]);
  });

  it('would disagree with results that differ in any figure', () => {
    const changed = structuredClone(results);
    const row = changed.rows.find((r) => r.id === 'warm.delivery.app')!;
    row.ratio!.median += 0.5;
    expect(report.disagreements(document, changed)).toEqual([
      expect.objectContaining({ shown: expect.stringContaining(row.label) }),
    ]);
  });
});

describe('tools/bench/results.json', () => {
  const byId = new Map(results.rows.map((row) => [row.id, row]));

  it('has the per-invocation, scoped performList, log, copy, merge, verify and cold figures', () => {
    for (const id of [
      'cold.core',
      'cold.app',
      'cold.app.same-process',
      'first.one-operation',
      'first.app',
      'warm.minimal',
      'warm.delivery.one-operation',
      'warm.delivery.app',
      'warm.delivery.app.core-compile',
      'warm.delivery.saved',
      'warm.suspend.one-operation',
      'warm.suspend.app',
      'warm.auth.one-operation',
      'warm.auth.app',
      'list.floor',
      'list.one-operation',
      'list.app',
      'log.parse.page',
      'log.page',
      'log.auth',
      'copy.one-operation',
      'copy.app',
      'merge.off',
      'merge.on.app',
      'verify.raw',
      'verify.app',
    ]) {
      expect(byId.has(id)).toBe(true);
    }
  });

  it('compares the scoped performList with the floor of fetching and parsing the same pages', () => {
    expect(byId.get('list.app')).toMatchObject({ against: 'list.floor', limit: 8 });
    expect(byId.get('list.one-operation')).toMatchObject({ against: 'list.floor' });
  });

  it('counts the HTTP log entries of every request in the auth test, an action and performList', () => {
    expect(results.logs.map((log) => log.case)).toEqual([
      'auth test',
      'suspend_license',
      'scoped performList',
    ]);
    for (const log of results.logs) {
      expect(Number.isInteger(log.requests) && Number.isInteger(log.entries)).toBe(true);
      expect(log.requests).toBeGreaterThan(0);
      // Each request logged once: more means core's http patch logs it again (issue 16).
      expect(log.entries).toBe(log.requests);
    }
  });

  it.each(results.rows.map((row) => [row.id, row] as const))(
    '%s: min ≤ median ≤ max over every round, a ratio against a figure of the same rounds',
    (_id, row) => {
      const cold = row.group === 'cold';
      expect(row.rounds).toBe(cold ? results.config.coldRounds : results.config.rounds);
      expect(row.min).toBeGreaterThan(0);
      expect(row.min).toBeLessThanOrEqual(row.median);
      expect(row.median).toBeLessThanOrEqual(row.max);
      if (row.against) {
        expect(byId.get(row.against)?.rounds).toBe(row.rounds);
        expect(row.ratio!.min).toBeLessThanOrEqual(row.ratio!.median);
        expect(row.ratio!.median).toBeLessThanOrEqual(row.ratio!.max);
      } else {
        expect(row.ratio).toBeUndefined();
      }
    },
  );
});
