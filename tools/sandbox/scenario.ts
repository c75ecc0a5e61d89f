// The story `npm start` tells: a Keygen account (the sandbox) connected to the real app through
// zapier-platform-core, five Zaps on, actions whose webhooks start those Zaps, a delivery Keygen
// has to retry, forged deliveries, and the Zaps turned off. Every step checks what it shows.
import { PAYLOAD_API_VERSION } from './delivery';
import { generateAccountKeys } from './keys';
import { request } from 'node:http';
import { startRelay, type Relay, type Zap, type ZapRun } from './relay';
import { startSandbox, type Sandbox } from './server';
import { deliveryHeaders } from './signer';
import type { Outcome } from './zapier-runtime';

export interface RunRow {
  zap: string;
  event: string | null;
  outcome: ZapRun['outcome'];
  answered: number;
  [field: string]: unknown;
}

export interface Step {
  name: string;
  title: string;
  ok: boolean;
  /** What did not happen as it should; empty when ok. */
  problems: string[];
  /** Key fields of the action's or search's output. */
  output?: Record<string, unknown>;
  /** The Zap runs the step's webhook deliveries caused. */
  runs: RunRow[];
  /** Other rows the step shows (subscriptions, delivery attempts, forgeries). */
  rows?: Record<string, unknown>[];
  /** Lines too long for a table cell. */
  notes?: string[];
}

export interface ScenarioOptions {
  /** Sandbox port; 0 or absent = any free port. */
  port?: number;
  retryDelaysMs?: readonly number[];
  onStep?: (step: Step) => void;
  /** Leave the sandbox and relay running; the caller closes them. */
  keepRunning?: boolean;
}

export interface ScenarioResult {
  ok: boolean;
  steps: Step[];
  sandbox: Sandbox;
  relay: Relay;
}

/** The triggers the scenario turns on, with the Zap's inputs. */
const ZAPS: readonly [string, Record<string, unknown>][] = [
  ['license_created', {}],
  ['license_suspended', {}],
  ['license_renewed', {}],
  ['license_validation_failed', {}],
  ['new_event', {}],
];

/** Flat fields worth a column when a run has them. */
const RUN_FIELDS = [
  'license_key',
  'license_status',
  'license_expiry',
  'validation_valid',
  'validation_code',
  'idempotency_token',
];
const OUTPUT_FIELDS = [
  'license_id',
  'license_key',
  'license_name',
  'license_status',
  'license_expiry',
  'license_policy_id',
  'license_owner_id',
  'changed',
  'subscription_state',
  'validation_valid',
  'validation_code',
  'validation_detail',
];

const DEFAULT_RETRY_DELAYS_MS = [200, 400, 800, 1600];

export async function runScenario(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const sandbox = await startSandbox({
    port: options.port ?? 0,
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
  });
  let relay: Relay | undefined;
  const steps: Step[] = [];
  try {
    relay = await startRelay({
      authData: { baseUrl: sandbox.baseUrl, accountId: sandbox.accountId, token: sandbox.token },
    });
    const story = new Story(sandbox, relay, (step) => {
      steps.push(step);
      options.onStep?.(step);
    });
    await story.run();
    return { ok: steps.every((s) => s.ok), steps, sandbox, relay };
  } finally {
    if (!options.keepRunning) {
      await relay?.close();
      await sandbox.close();
    }
  }
}

class Story {
  private readonly zaps = new Map<string, Zap>();
  private seen = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly relay: Relay,
    private readonly report: (step: Step) => void,
  ) {}

  async run() {
    await this.connect();
    await this.subscribe();
    const created = await this.createLicense();
    const key = String(created ?? '');
    await this.licenseAction('suspend_license', 'Suspend the new license', key, {
      output: { changed: true, license_status: 'SUSPENDED' },
      runs: [
        [
          'license_suspended',
          'license.suspended',
          { license_key: key, license_status: 'SUSPENDED' },
        ],
        ['new_event', 'license.suspended', { license_key: key }],
      ],
    });
    await this.licenseAction(
      'suspend_license',
      'Suspend it again: a no-op (Keygen answers 422, the action returns Changed false)',
      key,
      {
        output: { changed: false, license_status: 'SUSPENDED' },
        runs: [],
        name: 'suspend_license_again',
      },
    );
    await this.licenseAction('reinstate_license', 'Reinstate it', key, {
      output: { changed: true, license_status: 'ACTIVE' },
      runs: [['new_event', 'license.reinstated', { license_key: key, license_status: 'ACTIVE' }]],
    });
    await this.renew(key);
    await this.validateSuspended();
    await this.subscriptionLifecycle();
    await this.retried();
    await this.forged();
    await this.unsubscribe();
  }

  private async step(
    name: string,
    title: string,
    body: (step: Step) => Promise<void>,
  ): Promise<Step> {
    const step: Step = { name, title, ok: true, problems: [], runs: [] };
    const logged = this.relay.runtime.consoleLines.length;
    try {
      await body(step);
    } catch (error) {
      step.problems.push(`Stopped: ${(error as Error).message}`);
    }
    // What the app wrote with z.console (Zapier shows it in the Zap's logs).
    const lines = this.relay.runtime.consoleLines.slice(logged).map((line) => `app log: ${line}`);
    if (lines.length > 0) step.notes = [...(step.notes ?? []), ...lines];
    step.ok = step.problems.length === 0;
    this.report(step);
    return step;
  }

  private zap(trigger: string): Zap {
    const zap = this.zaps.get(trigger);
    if (!zap) throw new Error(`the ${trigger} Zap is not on`);
    return zap;
  }

  /** The Zap runs since the last call, once every delivery (and retry) has been answered. */
  private async newRuns(): Promise<ZapRun[]> {
    await this.sandbox.idle();
    const runs = this.relay.runs.slice(this.seen);
    this.seen = this.relay.runs.length;
    return runs;
  }

  private async action(step: Step, method: string, inputData: Record<string, unknown>) {
    const outcome = await this.relay.invoke(method, inputData);
    const result = expectSuccess(step, method, outcome);
    const record = (Array.isArray(result) ? result[0] : result) as
      Record<string, unknown> | undefined;
    if (record) step.output = pick(record, OUTPUT_FIELDS);
    return record ?? {};
  }

  private async connect() {
    await this.step('connect', 'Connect the Keygen account (auth test)', async (step) => {
      const test = await this.relay.invoke('authentication.test', {});
      const me = expectSuccess(step, 'the auth test', test) as Record<string, unknown> | undefined;
      if (!me) return;
      const label = await this.relay.invoke('authentication.connectionLabel', me);
      const text = expectSuccess(step, 'the connection label', label);
      step.output = { connection_label: text, bearer: me.bearer, account: me.account };
      if (typeof text !== 'string' || !text.includes(this.sandbox.accountId)) {
        step.problems.push(
          `the connection label ${JSON.stringify(text)} does not name the account`,
        );
      }
    });
  }

  private async subscribe() {
    await this.step(
      'subscribe',
      'Turn on five Zaps: each subscribes a Keygen webhook endpoint',
      async (step) => {
        step.rows = [];
        for (const [trigger, input] of ZAPS) {
          const zap = await this.relay.subscribe(trigger, input);
          this.zaps.set(trigger, zap);
          const data = zap.subscribeData as { id?: string; url?: string; events?: string[] };
          const endpoint = await this.endpoint(String(data.id));
          step.rows.push({
            zap: trigger,
            endpoint_id: data.id,
            subscriptions: endpoint?.attributes?.subscriptions,
            url: endpoint?.attributes?.url,
          });
          if (!endpoint) step.problems.push(`Keygen has no endpoint ${data.id} for ${trigger}`);
          else if (endpoint.attributes?.url !== zap.targetUrl) {
            step.problems.push(`${trigger}'s endpoint points at ${endpoint.attributes?.url}`);
          }
        }
        step.runs = this.rows(await this.newRuns());
      },
    );
  }

  private async createLicense(): Promise<unknown> {
    let key: unknown;
    await this.step('create_license', 'Create a license (Create License action)', async (step) => {
      const license = await this.action(step, 'creates.create_license.operation.perform', {
        policy: this.sandbox.seed.policyIds.timed,
        owner: this.sandbox.seed.userId,
        name: 'Scenario License',
      });
      key = license.license_key;
      expectFields(step, 'the output', license, {
        license_status: 'ACTIVE',
        license_name: 'Scenario License',
      });
      if (typeof key !== 'string' || key === '')
        step.problems.push('the output has no license_key');
      this.expectRuns(step, await this.newRuns(), [
        ['license_created', 'license.created', { license_key: key, license_status: 'ACTIVE' }],
        ['new_event', 'license.created', { license_key: key }],
      ]);
    });
    return key;
  }

  private async licenseAction(
    action: string,
    title: string,
    license: string,
    expected: { output: Record<string, unknown>; runs: ExpectedRun[]; name?: string },
  ) {
    await this.step(expected.name ?? action, title, async (step) => {
      const record = await this.action(step, `creates.${action}.operation.perform`, { license });
      expectFields(step, 'the output', record, expected.output);
      this.expectRuns(step, await this.newRuns(), expected.runs);
    });
  }

  private async renew(license: string) {
    await this.step('renew_license', 'Renew it', async (step) => {
      const before = await this.action(step, 'searches.find_license.operation.perform', {
        license,
      });
      const record = await this.action(step, 'creates.renew_license.operation.perform', {
        license,
      });
      const [was, now] = [
        Date.parse(String(before.license_expiry)),
        Date.parse(String(record.license_expiry)),
      ];
      if (!(now > was)) {
        step.problems.push(
          `the expiry did not move forward (${before.license_expiry} → ${record.license_expiry})`,
        );
      }
      this.expectRuns(step, await this.newRuns(), [
        [
          'license_renewed',
          'license.renewed',
          { license_key: license, license_expiry: record.license_expiry },
        ],
        ['new_event', 'license.renewed', { license_key: license }],
      ]);
    });
  }

  private async validateSuspended() {
    const { key } = this.sandbox.seed.licenses.suspended;
    await this.step(
      'validate_license_key',
      'Validate the key of a suspended license (Validate License Key search)',
      async (step) => {
        const result = await this.action(step, 'searches.validate_license_key.operation.perform', {
          key,
        });
        expectFields(step, 'the output', result, {
          validation_valid: false,
          validation_code: 'SUSPENDED',
          license_key: key,
        });
        this.expectRuns(step, await this.newRuns(), [
          [
            'license_validation_failed',
            'license.validation.failed',
            { license_key: key, validation_valid: false, validation_code: 'SUSPENDED' },
          ],
          ['new_event', 'license.validation.failed', { validation_code: 'SUSPENDED' }],
        ]);
      },
    );
  }

  private async subscriptionLifecycle() {
    const { key } = this.sandbox.seed.licenses.active;
    const subscription = 'sub_sandbox0001';
    // Stripe's current_period_end: UNIX seconds, a month from now.
    const periodEnd = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const expiry = new Date(periodEnd * 1000).toISOString();
    const suspended: ExpectedRun[] = [
      ['license_suspended', 'license.suspended', { license_key: key, license_status: 'SUSPENDED' }],
      ['new_event', 'license.suspended', { license_key: key }],
    ];
    const phases: [Record<string, unknown>, Record<string, unknown>, ExpectedRun[]][] = [
      [
        { status: 'past_due' },
        { changed: true, license_status: 'SUSPENDED', subscription_state: 'delinquent' },
        suspended,
      ],
      [
        { status: 'active', period_end: String(periodEnd) },
        {
          changed: true,
          license_status: 'ACTIVE',
          license_expiry: expiry,
          subscription_state: 'active',
        },
        [
          ['new_event', 'license.reinstated', { license_key: key, license_status: 'ACTIVE' }],
          ['new_event', 'license.updated', { license_key: key, license_expiry: expiry }],
        ],
      ],
      [
        { status: 'canceled' },
        { changed: true, license_status: 'SUSPENDED', subscription_state: 'ended' },
        suspended,
      ],
      [{ status: 'canceled' }, { changed: false, license_status: 'SUSPENDED' }, []],
    ];
    await this.step(
      'sync_subscription',
      `One Stripe subscription (${subscription}) through Sync License With Subscription: past due, active again with a new period end, cancelled, and that event replayed`,
      async (step) => {
        step.rows = [];
        step.notes = [];
        for (const [input, output, runs] of phases) {
          const record = await this.action(
            step,
            'creates.sync_license_subscription.operation.perform',
            { subscription_id: subscription, ...input },
          );
          expectFields(step, `the output for ${String(input.status)}`, record, output);
          const caused = await this.newRuns();
          this.expectRuns(step, caused, runs);
          step.rows.push({
            status: input.status,
            period_end: input.period_end ?? null,
            changed: record.changed,
            license_status: record.license_status,
            license_expiry: record.license_expiry,
            // Sorted: Keygen delivers to each endpoint on its own, so runs finish in any order.
            zap_runs:
              caused
                .map((r) => `${r.trigger}: ${r.event}`)
                .sort()
                .join(', ') || 'none',
          });
          step.notes.push(`${String(input.status)}: ${String(record.changes)}`);
        }
      },
    );
  }

  private async retried() {
    const { key } = this.sandbox.seed.licenses.expiringSoon;
    await this.step(
      'retry',
      "Renew the license expiring in 2 days while the License Renewed Zap's answers fail twice: Keygen retries, the app runs the Zap once",
      async (step) => {
        const zap = this.zap('license_renewed');
        this.relay.failAnswers(zap, 2);
        await this.action(step, 'creates.renew_license.operation.perform', { license: key });
        const runs = await this.newRuns();
        step.runs = this.rows(runs);
        const mine = runs.filter((r) => r.zapId === zap.id);
        const endpointId = String((zap.subscribeData as { id?: string }).id);
        const eventId = this.sandbox.deliveries
          .filter((d) => d.endpointId === endpointId && d.event === 'license.renewed')
          .at(-1)?.eventId;
        const attempts = this.sandbox.deliveries.filter(
          (d) => d.endpointId === endpointId && d.eventId === eventId,
        );
        step.rows = attempts.map((attempt, i) => ({
          attempt: attempt.attempt,
          keygen_got: attempt.status,
          idempotency_token: attempt.idempotencyToken,
          zap:
            mine[i]?.outcome === 'ran'
              ? 'ran'
              : mine[i]?.outcome === 'skipped'
                ? 'duplicate: not run'
                : mine[i]?.outcome,
        }));
        const statuses = attempts.map((a) => a.status);
        if (JSON.stringify(statuses) !== JSON.stringify([503, 503, 200])) {
          step.problems.push(
            `Keygen's attempts got ${JSON.stringify(statuses)}, not [503,503,200]`,
          );
        }
        if (new Set(attempts.map((a) => a.idempotencyToken)).size !== 1) {
          step.problems.push('the retries did not carry the same idempotency token');
        }
        const outcomes = mine.map((r) => r.outcome);
        if (JSON.stringify(outcomes) !== JSON.stringify(['ran', 'skipped', 'skipped'])) {
          step.problems.push(
            `the Zap's outcomes were ${JSON.stringify(outcomes)}, not ran once then deduplicated twice`,
          );
        }
        step.notes = [
          `Zap runs: ${mine.filter((r) => r.outcome === 'ran').length} for ${attempts.length} attempts.`,
        ];
      },
    );
  }

  private async forged() {
    await this.step(
      'forged',
      'Forged deliveries sent straight to the License Created Zap: halted, never run',
      async (step) => {
        const zap = this.zap('license_created');
        const genuine = this.relay.runs.find((r) => r.zapId === zap.id && r.outcome === 'ran');
        if (!genuine) throw new Error('no genuine delivery of license.created to start from');
        const { body, headers } = genuine.delivery;
        const tampered = body.replace('Scenario License', 'Free Upgrade');
        if (tampered === body)
          throw new Error('the genuine delivery has no license name to tamper with');
        // A well-formed Keygen signature, but by keys that are not the account's.
        const otherKeys = await generateAccountKeys();
        const signedByOthers = deliveryHeaders({
          accountId: this.sandbox.accountId,
          keys: otherKeys,
          algorithm: 'ed25519',
          url: zap.targetUrl,
          body,
          apiVersion: PAYLOAD_API_VERSION,
          date: new Date(),
        });
        const forgeries: [string, string, Record<string, string>][] = [
          ['body changed after signing', tampered, headers],
          ['signed with another key', body, signedByOthers],
        ];
        step.rows = [];
        for (const [forgery, content, sent] of forgeries) {
          const response = await send(zap.targetUrl, {
            method: 'POST',
            headers: withoutHopHeaders(sent),
            body: content,
          });
          const run = (await this.newRuns()).find((r) => r.zapId === zap.id);
          step.rows.push({ forgery, answered: response.status, zap: run?.outcome });
          step.notes = [...(step.notes ?? []), `${forgery}: ${run?.message ?? 'no run'}`];
          if (run?.outcome !== 'halted') {
            step.problems.push(
              `the delivery ${forgery} was ${run?.outcome ?? 'not received'}, not halted`,
            );
          }
        }
      },
    );
  }

  private async unsubscribe() {
    await this.step(
      'unsubscribe',
      'Turn the Zaps off: their endpoints are deleted',
      async (step) => {
        step.rows = [];
        for (const zap of this.zaps.values()) {
          const outcome = await this.relay.unsubscribe(zap);
          const id = String((zap.subscribeData as { id?: string }).id);
          const left = await this.endpoint(id);
          step.rows.push({
            zap: zap.trigger,
            endpoint_id: id,
            unsubscribe: outcome.status,
            in_keygen: left ? 'still there' : 'deleted',
          });
          if (outcome.status !== 'success')
            step.problems.push(`unsubscribing ${zap.trigger}: ${outcome.message}`);
          if (left) step.problems.push(`endpoint ${id} of ${zap.trigger} is still in Keygen`);
        }
      },
    );
  }

  /** The endpoint as Keygen lists it, asked directly (not through the app). */
  private async endpoint(id: string) {
    const { baseUrl, accountId, token } = this.sandbox;
    const response = await send(`${baseUrl}/v1/accounts/${accountId}/webhook-endpoints`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' },
    });
    const list = JSON.parse(response.text) as {
      data?: { id: string; attributes?: Record<string, unknown> }[];
    };
    return list.data?.find((endpoint) => endpoint.id === id);
  }

  private rows(runs: readonly ZapRun[]): RunRow[] {
    return runs.map((run) => ({
      zap: run.trigger,
      event: run.event,
      outcome: run.outcome,
      answered: run.answered,
      ...(run.results[0] ? pick(run.results[0], RUN_FIELDS) : {}),
      ...(run.message ? { message: run.message } : {}),
    }));
  }

  /**
   * Exactly these Zap runs (trigger, event, fields), each run once, and nothing halted or failed;
   * the runs are added to the step's.
   */
  private expectRuns(step: Step, runs: readonly ZapRun[], expected: readonly ExpectedRun[]) {
    step.runs = [...step.runs, ...this.rows(runs)];
    for (const [trigger, event, fields] of expected) {
      const matching = runs.filter(
        (r) => r.trigger === trigger && r.event === event && r.outcome === 'ran',
      );
      if (matching.length !== 1) {
        step.problems.push(
          `the ${trigger} Zap ran ${matching.length} times for ${event}, not once`,
        );
        continue;
      }
      expectFields(step, `the ${trigger} Zap's output`, matching[0].results[0], fields);
    }
    for (const run of runs) {
      if (run.outcome === 'halted' || run.outcome === 'error') {
        step.problems.push(
          `the ${run.trigger} Zap's delivery of ${run.event} was ${run.outcome}: ${run.message}`,
        );
      }
      const wanted = expected.some(
        ([trigger, event]) => trigger === run.trigger && event === run.event,
      );
      if (!wanted && run.outcome === 'ran') {
        step.problems.push(
          `the ${run.trigger} Zap ran for ${run.event}, which this step should not cause`,
        );
      }
    }
  }
}

type ExpectedRun = [trigger: string, event: string, fields: Record<string, unknown>];

function expectSuccess(step: Step, what: string, outcome: Outcome): unknown {
  if (outcome.status === 'success') return outcome.results;
  step.problems.push(`${what} was ${outcome.status}: ${outcome.message}`);
  return undefined;
}

function expectFields(
  step: Step,
  what: string,
  record: Record<string, unknown> | undefined,
  fields: Record<string, unknown>,
) {
  for (const [key, value] of Object.entries(fields)) {
    if (record?.[key] !== value) {
      step.problems.push(
        `${what} has ${key} = ${JSON.stringify(record?.[key])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
}

function pick(record: Record<string, unknown>, keys: readonly string[]) {
  return Object.fromEntries(keys.filter((key) => key in record).map((key) => [key, record[key]]));
}

/** Headers a client sets itself: copying them into another request would break it. */
/**
 * One HTTP request on loopback. Not the global fetch: it refuses ports browsers block (6000,
 * 6665–6669, 10080, …), which `--port` may name.
 */
function send(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function withoutHopHeaders(headers: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !/^(host|content-length|connection|transfer-encoding)$/i.test(name),
    ),
  );
}
