/**
 * Reading Zapier input values. Zapier hands over text for most fields (and whatever a mapped
 * field held), so every reader accepts text and rejects what Keygen would refuse with a message
 * that names the field.
 */
import type { ZObject } from 'zapier-platform-core';
import { snakeCase } from '../keygen/normalize';

export type Parser = (z: ZObject, value: unknown, label: string) => unknown;

/** Trimmed text; blank counts as "not given" so an empty mapped field never clears a value. */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const result = String(value).trim();
  return result === '' ? undefined : result;
}

export function requireText(z: ZObject, value: unknown, label: string): string {
  const result = text(value);
  if (result === undefined) {
    throw new z.errors.Error(`${label} is required: enter or map a value.`, 'INPUT_MISSING');
  }
  return result;
}

export function integer(z: ZObject, value: unknown, label: string): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  const raw = text(value);
  if (raw === undefined) return undefined;
  const result = Number(raw);
  if (!/^[-+]?\d+$/.test(raw) || !Number.isSafeInteger(result)) {
    throw new z.errors.Error(`${label} must be a whole number, not "${raw}".`, 'INPUT_INVALID');
  }
  return result;
}

/** A whole number of at least 1: a count to add or take away. */
export function positiveInteger(z: ZObject, value: unknown, label: string): number | undefined {
  const result = integer(z, value, label);
  if (result !== undefined && result < 1) {
    throw new z.errors.Error(`${label} must be 1 or more, not ${result}.`, 'INPUT_INVALID');
  }
  return result;
}

// ISO 8601 as Keygen reads it: a date, optionally a time and an offset.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Whether the parts name a real moment: JavaScript's Date would roll 30 February over to March. */
function realMoment(parts: readonly (string | undefined)[]): boolean {
  const [year, month, day, hour, minute, second] = parts.map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

/** An ISO 8601 date and time, as typed; text that is no such date is refused, not sent. */
export function dateTime(z: ZObject, value: unknown, label: string): string | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  const match = ISO_DATE_TIME.exec(raw);
  if (!match || !realMoment(match.slice(1, 7)) || Number.isNaN(Date.parse(raw))) {
    throw new z.errors.Error(
      `${label} must be a date and time such as 2026-12-31T23:59:59Z (ISO 8601), not "${raw}".`,
      'INPUT_INVALID',
    );
  }
  return raw;
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

export function boolean(z: ZObject, value: unknown, label: string): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const raw = text(value)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new z.errors.Error(`${label} must be true or false, not "${raw}".`, 'INPUT_INVALID');
}

/** A list input, or the comma-separated text a trigger's `*_ids` field maps into it. */
export function list(value: unknown): string[] | undefined {
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]))
    .map(text)
    .filter((item): item is string => item !== undefined);
  return items.length > 0 ? items : undefined;
}

export function requireList(z: ZObject, value: unknown, label: string): string[] {
  const items = list(value);
  if (!items) {
    throw new z.errors.Error(
      `${label} is required: pick, enter or map at least one.`,
      'INPUT_MISSING',
    );
  }
  return items;
}

/** A JSON number's decimal value as sign, significant digits and exponent: "3.10" and "31e-1" agree. */
function decimal(text: string): string | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  const significant = digits.replace(/0+$/, '');
  const power =
    BigInt(exponent) - BigInt(fraction.length) + BigInt(digits.length - significant.length);
  return `${sign}${significant}e${power}`;
}

/** The numbers of valid JSON text, as typed: strings are matched whole, so their digits are skipped. */
function numbersIn(json: string): string[] {
  const tokens = json.match(/"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*/g) ?? [];
  return tokens.filter((token) => !token.startsWith('"'));
}

/** The first number in valid JSON text that a double cannot hold exactly, as typed. */
function inexactNumber(json: string): string | undefined {
  return numbersIn(json).find((typed) => decimal(typed) !== decimal(JSON.stringify(Number(typed))));
}

/** How many keys the objects in a parsed JSON value hold; a loop, as nesting may be deep. */
function keyCount(value: unknown): number {
  let count = 0;
  const pending = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null) continue;
    const children = Array.isArray(item) ? item : Object.values(item);
    if (!Array.isArray(item)) count += children.length;
    for (const child of children) pending.push(child);
  }
  return count;
}

/** Whether valid JSON text gives an object the same key twice: JSON.parse keeps only the last. */
function hasDuplicateKey(json: string, parsed: unknown): boolean {
  const typed = [...json.matchAll(/"(?:[^"\\]|\\.)*"(\s*:)?/g)].filter((m) => m[1] !== undefined);
  return typed.length !== keyCount(parsed);
}

/**
 * One metadata value: valid JSON keeps its JSON type (`3`, `true`, `null`, `{"a":1}`, `"3"` for
 * the text 3); anything else stays text. JSON goes out as JSON only if it arrives exactly as
 * typed: with a number a double cannot hold (a 20-digit id, `1e400`, 17 significant digits),
 * nested or not, or a key given twice, the whole value stays the text typed.
 */
export function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const raw = value.trim();
  if (raw === '') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return value;
  }
  return inexactNumber(raw) === undefined && !hasDuplicateKey(raw, parsed) ? parsed : value;
}

/** A Zapier `dict` field as Keygen metadata; an empty dict counts as "not given". */
export function metadata(
  z: ZObject,
  value: unknown,
  label: string,
): Record<string, unknown> | undefined {
  let source = value;
  // A JSON object typed as one text already has its values' types: "3" in quotes stays text.
  // Key-value rows come as text, so each of their values is read on its own.
  const typedAsJson = typeof source === 'string' && source.trim() !== '';
  if (typedAsJson) {
    source = jsonValue(source);
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      throw new z.errors.Error(inputError(value as string, label), 'INPUT_INVALID');
    }
  }
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return undefined;
  const entries = Object.entries(source)
    .map(([key, item]) => [key.trim(), typedAsJson ? item : jsonValue(item)] as const)
    .filter(([key]) => key !== '');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** What is wrong with metadata typed as one text: not a JSON object, or one JSON would change. */
function inputError(text: string, label: string): string {
  const raw = text.trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return `${label} must be key-value pairs (or a JSON object), not "${text}".`;
  }
  const inexact = inexactNumber(raw);
  return inexact !== undefined
    ? `${label} holds the number ${inexact}, which JSON would not send exactly: put it in quotes ("${inexact}") to keep it as text, or enter the metadata as key-value pairs.`
    : `${label} gives the same key twice, and JSON would keep only the last: remove one, or enter the metadata as key-value pairs.`;
}

/**
 * Metadata updates on top of what a record has. Keygen stores keys snake_cased and shows them
 * camelCased, so `stripe_id` replaces an existing `stripeId` instead of sitting beside it.
 */
export function mergeMetadata(
  current: unknown,
  updates: Record<string, unknown>,
): Record<string, unknown> {
  const replaced = new Set(Object.keys(updates).map(snakeCase));
  const kept = Object.entries(
    typeof current === 'object' && current !== null ? current : {},
  ).filter(([key]) => !replaced.has(snakeCase(key)));
  return { ...Object.fromEntries(kept), ...updates };
}

/** Keygen compares emails lower-cased in some routes only (ban and unban do not), so always send them so. */
export function lowerEmail(value: string): string {
  return value.includes('@') ? value.toLowerCase() : value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
