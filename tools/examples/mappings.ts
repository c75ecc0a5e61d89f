/**
 * The `{{stepN.field}}` mappings of the example Zaps (tools/examples/zaps.ts), read the same way by
 * the docs generator and by the test that runs the examples. A dev tool: the app never imports it.
 */
import type { Choice, Step, Value } from './zaps';

export interface Mapping {
  /** The text as written, `{{step2.id}}`. */
  text: string;
  /** The step it comes from (1-based), or `example` for a value your own app sends. */
  step: number | 'example';
  field: string;
}

const MAPPING = /\{\{(?:step(\d+)|(example))\.(\w+)\}\}/g;

export function mappingsIn(text: string): Mapping[] {
  return [...text.matchAll(MAPPING)].map(([whole, step, example, field]) => ({
    text: whole,
    step: example ? 'example' : Number(step),
    field,
  }));
}

export const isChoice = (value: unknown): value is Choice =>
  typeof value === 'object' && value !== null && 'choose' in value;

/** Every text of a value, in order: the texts a Zap maps fields into. */
export function textsOf(value: Value): string[] {
  if (typeof value === 'string') return [value];
  if (isChoice(value)) return [];
  if (Array.isArray(value)) return value.flatMap((item) => textsOf(item as Value));
  return Object.values(value as Record<string, string>);
}

/** The inputs of a step, whichever kind it is (a search-or-create has two sets). */
export function inputsOf(step: Step): Record<string, Value> {
  if ('searchOrCreate' in step) return { ...step.search, ...step.create };
  if ('filter' in step) return { filter: step.filter };
  return { ...(step.input ?? {}) };
}

/**
 * The app operations a step runs, as `group.key`; `createOf` names the create of a
 * search-or-create (the app definition's `searchOrCreates`).
 */
export function operationsOf(step: Step, createOf: (key: string) => string): string[] {
  // A search-or-create also has `search` and `create`: it is told apart first.
  if ('searchOrCreate' in step) {
    return [`searches.${step.searchOrCreate}`, `creates.${createOf(step.searchOrCreate)}`];
  }
  if ('trigger' in step) return step.trigger.map((key) => `triggers.${key}`);
  if ('create' in step) return [`creates.${step.create}`];
  if ('search' in step) return [`searches.${step.search}`];
  return [];
}
