// Runs every example Zap (tools/examples/zaps.ts, from which docs/examples.md is generated)
// against the sandbox, step by step, through zapier-platform-core's handler with the built app:
// each mapping must name a field the step it comes from really returned. Hook triggers are
// subscribed first, so the actions of the examples cause the deliveries the trigger examples run
// on; a trigger whose event the sandbox never sends runs as the Zap editor tests it (performList).
import App = require('../../index');
import { EXAMPLE_ZAPS, type ExampleZap, type Step, type Value } from '../../tools/examples/zaps';
import {
  inputsOf,
  isChoice,
  mappingsIn,
  operationsOf,
  textsOf,
} from '../../tools/examples/mappings';
import { startRelay, type Relay, type Zap } from '../../tools/sandbox/relay';
import { startSandbox, type Sandbox } from '../../tools/sandbox/server';

type Output = Record<string, unknown>;

/** Triggers whose events the sandbox sends when the examples' actions run. */
const LIVE_TRIGGERS = [
  'license_created',
  'license_updated',
  'license_suspended',
  'license_reinstated',
  'license_renewed',
  'license_revoked',
  'license_deleted',
  'license_checked_in',
  'license_checked_out',
  'license_usage_incremented',
  'license_usage_decremented',
  'license_usage_reset',
  'license_policy_updated',
  'license_owner_updated',
  'license_validation_succeeded',
  'license_entitlements_attached',
  'license_entitlements_detached',
  'machine_created',
  'machine_deleted',
  'user_created',
  'user_updated',
  'user_banned',
  'user_unbanned',
  'new_event',
];

const definition = App as unknown as {
  triggers: Record<string, { display: { hidden?: boolean }; operation: { type?: string } }>;
  creates: Record<string, { display: { hidden?: boolean } }>;
  searches: Record<string, { display: { hidden?: boolean } }>;
  searchOrCreates: Record<string, { search: string; create: string }>;
};
const createOf = (key: string) => definition.searchOrCreates[key].create;

let sandbox: Sandbox;
let relay: Relay;
const hookZaps = new Map<string, Zap>();
/** `group.key` of every operation that ran, and how each trigger got its output. */
const ran = new Set<string>();
const triggerSource = new Map<string, 'delivery' | 'performList' | 'polling'>();

const isHook = (key: string) => definition.triggers[key].operation.type === 'hook';

beforeAll(async () => {
  sandbox = await startSandbox({ retryDelaysMs: [100] });
  relay = await startRelay({
    authData: { baseUrl: sandbox.baseUrl, accountId: sandbox.accountSlug, token: sandbox.token },
  });
  for (const example of EXAMPLE_ZAPS) {
    for (const step of example.steps) {
      if (!('trigger' in step)) continue;
      for (const key of step.trigger.filter(isHook)) {
        // A trigger is a Zap's first step: its inputs are plain values, with nothing to map.
        hookZaps.set(key, await relay.subscribe(key, { ...step.input }));
      }
    }
  }
}, 120_000);

afterAll(async () => {
  await relay?.close();
  await sandbox?.close();
}, 30_000);

class StepFailure extends Error {}

function fail(example: ExampleZap, index: number, message: string): never {
  throw new StepFailure(`${example.id}, step ${index + 1}: ${message}`);
}

/** The value a mapping stands for, checked to exist in the output it comes from. */
function mapped(example: ExampleZap, index: number, outputs: Output[], text: string): string {
  let result = text;
  for (const mapping of mappingsIn(text)) {
    let value: unknown;
    if (mapping.step === 'example') {
      if (mapping.field !== 'license_key') fail(example, index, `unknown ${mapping.text}`);
      value = sandbox.seed.licenses.active.key;
    } else {
      if (mapping.step < 1 || mapping.step > index) {
        fail(example, index, `${mapping.text} names a step that does not come before it`);
      }
      const output = outputs[mapping.step - 1];
      if (!(mapping.field in output)) {
        fail(
          example,
          index,
          `maps ${mapping.text}, but step ${mapping.step} returned no "${mapping.field}" (it has ${Object.keys(output).slice(0, 12).join(', ')}, …)`,
        );
      }
      value = output[mapping.field];
    }
    result = result.replace(
      mapping.text,
      value === null || value === undefined ? '' : String(value),
    );
  }
  return result;
}

/** A dropdown choice: the hidden trigger's entry whose label contains the text. */
async function choose(example: ExampleZap, index: number, trigger: string, label: string) {
  const outcome = await relay.invoke(`triggers.${trigger}.operation.perform`);
  if (outcome.status !== 'success') fail(example, index, `${trigger}: ${outcome.message}`);
  const entry = (outcome.results as { id: string; label: string }[]).find((item) =>
    item.label.includes(label),
  );
  if (!entry) fail(example, index, `${trigger} offers no "${label}"`);
  return entry.id;
}

async function resolve(
  example: ExampleZap,
  index: number,
  outputs: Output[],
  value: Value,
): Promise<unknown> {
  if (typeof value === 'string') return mapped(example, index, outputs, value);
  if (isChoice(value)) return choose(example, index, value.choose, value.label);
  if (Array.isArray(value)) {
    return Promise.all(value.map((item) => resolve(example, index, outputs, item as Value)));
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, string>).map(([key, text]) => [
      key,
      mapped(example, index, outputs, text),
    ]),
  );
}

async function resolveAll(
  example: ExampleZap,
  index: number,
  outputs: Output[],
  input: Record<string, Value> = {},
) {
  const entries = await Promise.all(
    Object.entries(input).map(async ([key, value]) => [
      key,
      await resolve(example, index, outputs, value),
    ]),
  );
  return Object.fromEntries(entries) as Record<string, unknown>;
}

async function invoke(example: ExampleZap, index: number, method: string, input: Output) {
  const outcome = await relay.invoke(method, input);
  if (outcome.status !== 'success') {
    fail(example, index, `${method} ended ${outcome.status}: ${outcome.message}`);
  }
  return outcome.results;
}

/** What a trigger hands on: its latest live delivery, else what "Test trigger" shows. */
async function triggerOutput(example: ExampleZap, index: number, key: string, input: Output) {
  if (!isHook(key)) {
    const results = (await invoke(example, index, `triggers.${key}.operation.perform`, input)) as
      Output[] | undefined;
    if (!results?.length) fail(example, index, `${key} found nothing`);
    triggerSource.set(key, 'polling');
    return results[0];
  }
  const zap = hookZaps.get(key)!;
  const delivered = relay.runs.filter((run) => run.zapId === zap.id && run.outcome === 'ran');
  if (delivered.length > 0) {
    triggerSource.set(key, 'delivery');
    return delivered[delivered.length - 1].results[0];
  }
  const listed = await relay.list(zap);
  if (listed.status !== 'success') fail(example, index, `${key} test: ${listed.message}`);
  triggerSource.set(key, 'performList');
  return (listed.results as Output[])[0];
}

async function runStep(example: ExampleZap, index: number, step: Step, outputs: Output[]) {
  if ('filter' in step) {
    const value = mapped(example, index, outputs, step.filter);
    const passes = step.exists ? value !== '' : value === step.equals;
    if (!passes) fail(example, index, `the filter stops the Zap: ${step.filter} is "${value}"`);
    return {};
  }
  if ('trigger' in step) {
    const input = await resolveAll(example, index, outputs, step.input);
    const results = [];
    for (const key of step.trigger) {
      results.push(await triggerOutput(example, index, key, input));
      ran.add(`triggers.${key}`);
    }
    // Every trigger of the step feeds the same later steps: each must have what they map.
    const later = example.steps
      .slice(index + 1)
      .flatMap((next) => Object.values(inputsOf(next)).flatMap((value) => textsOf(value)));
    for (const [i, output] of results.entries()) {
      for (const mapping of later.flatMap(mappingsIn)) {
        if (mapping.step === index + 1 && !(mapping.field in output)) {
          fail(example, index, `${step.trigger[i]} returned no "${mapping.field}"`);
        }
      }
    }
    return results[0];
  }
  if ('searchOrCreate' in step) {
    const key = step.searchOrCreate;
    const search = await resolveAll(example, index, outputs, step.search);
    const found = (await invoke(
      example,
      index,
      `searches.${key}.operation.perform`,
      search,
    )) as Output[];
    ran.add(`searches.${key}`);
    if (found.length > 0) return found[0];
    const create = await resolveAll(example, index, outputs, step.create);
    ran.add(`creates.${createOf(key)}`);
    return (await invoke(
      example,
      index,
      `creates.${createOf(key)}.operation.perform`,
      create,
    )) as Output;
  }
  if ('create' in step) {
    const input = await resolveAll(example, index, outputs, step.input);
    ran.add(`creates.${step.create}`);
    return (await invoke(
      example,
      index,
      `creates.${step.create}.operation.perform`,
      input,
    )) as Output;
  }
  if ('search' in step) {
    const input = await resolveAll(example, index, outputs, step.input);
    const found = (await invoke(
      example,
      index,
      `searches.${step.search}.operation.perform`,
      input,
    )) as Output[];
    ran.add(`searches.${step.search}`);
    if (found.length === 0) fail(example, index, `${step.search} found nothing`);
    return found[0];
  }
  await resolveAll(example, index, outputs, step.input);
  // What another app hands on: its texts may stand for a value your own app sends.
  const output: Output = {};
  for (const [key, value] of Object.entries(step.output ?? {})) {
    output[key] = typeof value === 'string' ? mapped(example, index, outputs, value) : value;
  }
  return output;
}

/** Runs an example step by step; what each step handed on. */
async function run(example: ExampleZap): Promise<Output[]> {
  // Deliveries of earlier examples' actions land before a trigger example reads them.
  await sandbox.idle();
  const outputs: Output[] = [];
  for (const [index, step] of example.steps.entries()) {
    outputs.push((await runStep(example, index, step, outputs)) as Output);
  }
  return outputs;
}

describe('the example Zaps run against the sandbox', () => {
  it.each(EXAMPLE_ZAPS.map((example) => [example.id, example] as const))(
    '%s',
    async (_id, example) => {
      const outputs = await run(example);
      expect(outputs).toHaveLength(example.steps.length);
      expect(outputs.every((output) => typeof output === 'object' && output !== null)).toBe(true);
    },
    60_000,
  );

  it.each([
    [
      'a mapped field the earlier step did not return',
      { create: 'suspend_license', input: { license: '{{step1.license_id}}' } },
      'broken, step 2: maps {{step1.license_id}}, but step 1 returned no "license_id"',
    ],
    [
      'a mapping of a later step',
      { create: 'suspend_license', input: { license: '{{step3.id}}' } },
      'broken, step 2: {{step3.id}} names a step that does not come before it',
    ],
    [
      'a filter that would stop the Zap',
      { filter: '{{step1.status}}', equals: 'active' },
      'broken, step 2: the filter stops the Zap: {{step1.status}} is "past_due"',
    ],
    [
      'a search that finds nothing',
      { search: 'find_user', input: { email: 'nobody@example.com' } },
      'broken, step 2: find_user found nothing',
    ],
  ] as const)('fails an example with %s', async (_what, step, message) => {
    const broken: ExampleZap = {
      id: 'broken',
      title: 'Broken',
      steps: [
        { app: 'Stripe', event: 'Updated Subscription', output: { status: 'past_due' } },
        step,
      ],
    };
    await expect(run(broken)).rejects.toThrow(message);
  });

  it('ran every visible trigger, action and search', () => {
    const visible = (['triggers', 'creates', 'searches'] as const).flatMap((group) =>
      Object.entries(definition[group])
        .filter(([, member]) => !member.display.hidden)
        .map(([key]) => `${group}.${key}`),
    );
    expect(visible.filter((name) => !ran.has(name))).toEqual([]);
    const named = EXAMPLE_ZAPS.flatMap((example) =>
      example.steps.flatMap((step) => operationsOf(step, createOf)),
    );
    expect([...ran].filter((name) => !named.includes(name))).toEqual([]);
  });

  it('ran the triggers whose events the sandbox sends on live, verified deliveries', () => {
    const live = [...triggerSource].filter(([, source]) => source === 'delivery');
    expect(live.map(([key]) => key).sort()).toEqual([...LIVE_TRIGGERS].sort());
  });
});
