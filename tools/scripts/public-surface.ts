/**
 * The compatibility guard (Zapier's checks C001–C003): what users' Zaps and Zap templates rely on
 * is the key of every visible operation, its input keys and its sample keys. docs/public-surface.json
 * records them; `npm run docs` adds what is new but keeps what disappeared, so the guard
 * (test/unit/compatibility.test.ts) goes on failing until the removal is listed under "Breaking"
 * in CHANGELOG.md's "Unreleased" section. A dev tool: the app never imports it.
 */

/** Per visible operation (`creates.create_license`): its input keys and sample keys, sorted. */
export type Surface = Record<string, { inputs: string[]; sample: string[] }>;

interface Field {
  key: string;
  type?: string;
  children?: Field[];
}
interface Member {
  key: string;
  display: { hidden?: boolean };
  operation: { inputFields?: readonly unknown[]; sample?: Record<string, unknown> };
}
export type SurfaceApp = Partial<
  Record<'triggers' | 'creates' | 'searches', Record<string, Member>>
>;

const GROUPS = ['triggers', 'creates', 'searches'] as const;
const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

/** Input keys a Zap stores values under; a copy field holds no value. */
function inputKeys(fields: readonly unknown[] = []): string[] {
  return fields.flatMap((field) => {
    if (typeof field !== 'object' || field === null) return [];
    const input = field as Field;
    if (input.type === 'copy') return [];
    return [input.key, ...inputKeys(input.children)];
  });
}

export function publicSurface(app: SurfaceApp): Surface {
  const surface: Surface = {};
  for (const group of GROUPS) {
    for (const member of Object.values(app[group] ?? {})) {
      if (member.display.hidden) continue;
      surface[`${group}.${member.key}`] = {
        inputs: sorted(inputKeys(member.operation.inputFields)),
        sample: sorted(Object.keys(member.operation.sample ?? {})),
      };
    }
  }
  return Object.fromEntries(Object.entries(surface).sort(([a], [b]) => a.localeCompare(b)));
}

/** Every name of a surface: `creates.x`, `creates.x.inputs.y`, `creates.x.sample.z`. */
function names(surface: Surface): string[] {
  return Object.entries(surface).flatMap(([operation, { inputs, sample }]) => [
    operation,
    ...inputs.map((key) => `${operation}.inputs.${key}`),
    ...sample.map((key) => `${operation}.sample.${key}`),
  ]);
}

/**
 * The names listed, in backticks, under a "Breaking" heading of CHANGELOG.md's "Unreleased"
 * section. A listed operation covers its inputs and sample keys.
 */
export function breakingChanges(changelog: string): string[] {
  const lines = changelog.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((line) => /^## Unreleased\b/i.test(line));
  if (start === -1) return [];
  const section = lines.slice(start + 1);
  const end = section.findIndex((line) => /^## /.test(line));
  const unreleased = section.slice(0, end === -1 ? section.length : end);
  const breaking = unreleased.findIndex((line) => /^### Breaking\b/i.test(line));
  if (breaking === -1) return [];
  const rest = unreleased.slice(breaking + 1);
  const stop = rest.findIndex((line) => /^#{1,3} /.test(line));
  const text = rest.slice(0, stop === -1 ? rest.length : stop).join('\n');
  return [...text.matchAll(/`([^`\s]+)`/g)].map(([, name]) => name);
}

const covered = (name: string, breaking: readonly string[]) =>
  breaking.some((listed) => name === listed || name.startsWith(`${listed}.`));

/** What the recorded surface has that the current one lacks, and no Breaking entry announces. */
export function unannouncedRemovals(
  recorded: Surface,
  current: Surface,
  breaking: readonly string[],
): string[] {
  const now = new Set(names(current));
  return names(recorded).filter((name) => !now.has(name) && !covered(name, breaking));
}

/** The surface to record: the current one, plus every removal not (yet) announced. */
export function nextSurface(recorded: Surface, current: Surface, breaking: readonly string[]) {
  const next: Surface = structuredClone(current);
  for (const name of unannouncedRemovals(recorded, current, breaking)) {
    const [group, key, part, ...rest] = name.split('.');
    const field = rest.join('.');
    const operation = `${group}.${key}`;
    next[operation] ??= { inputs: [], sample: [] };
    if (part === 'inputs' || part === 'sample') {
      next[operation][part] = sorted([...next[operation][part], field]);
    }
  }
  return Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
}

/** The file's text: one operation per block, its inputs and its sample keys a line each. */
export function surfaceJson(surface: Surface): string {
  const blocks = Object.entries(surface).map(
    ([operation, { inputs, sample }]) =>
      `  ${JSON.stringify(operation)}: {\n    "inputs": ${JSON.stringify(inputs)},\n    "sample": ${JSON.stringify(sample)}\n  }`,
  );
  return `{\n${blocks.join(',\n')}\n}\n`;
}
