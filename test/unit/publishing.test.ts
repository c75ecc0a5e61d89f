/**
 * Two of Zapier's publishing rules, checked over the whole app definition so that triggers,
 * actions and inputs added later are covered too: no credential-like input outside
 * authentication, and every link in a label, help text or description written as Markdown.
 */
import type { Bundle, ZObject } from 'zapier-platform-core';
import { App, appTester, at, authData, keygenApi } from '../helpers/app';

/**
 * Text Zapier renders for the user, where a link must be Markdown. A placeholder is not among
 * them: it is an example value shown in an empty input, not rendered text.
 */
const TEXT_KEYS = new Set(['label', 'helpText', 'description', 'directions']);
/** Example data, not text shown as help: samples may hold any URL. */
const SKIPPED_KEYS = new Set(['sample', 'samples']);

const MARKDOWN_LINK = /\[([^\]]*)\]\(([^)\s]*)\)/g;
const CODE_SPAN = /`[^`]*`/g;
const BARE_LINK = /\bhttps?:\/\/|\bwww\.[a-z0-9-]+\./i;

/** What is wrong with the links of one text: bare URLs, and Markdown links with no text or no https URL. */
function linkProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, label, url] of text.matchAll(MARKDOWN_LINK)) {
    if (!label.trim()) problems.push(`a Markdown link without text: (${url})`);
    if (!/^https:\/\/[^/]+\.[^/]+/.test(url)) problems.push(`a Markdown link to "${url}"`);
  }
  // Examples written as code (`https://keygen.example.com`) are text to type, not links.
  const rest = text.replace(MARKDOWN_LINK, '').replace(CODE_SPAN, '');
  const bare = rest.match(BARE_LINK);
  if (bare) problems.push(`a bare link at "${rest.slice(bare.index, (bare.index ?? 0) + 40)}"`);
  return problems;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null;

/** Every user-facing text of the definition, as [path, text]. */
function texts(node: unknown, where = 'app'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((item, i) => texts(item, `${where}[${i}]`));
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([key, value]): [string, string][] => {
    if (SKIPPED_KEYS.has(key)) return [];
    if (TEXT_KEYS.has(key) && typeof value === 'string') return [[`${where}.${key}`, value]];
    return texts(value, `${where}.${key}`);
  });
}

interface InputField {
  key: string;
  label?: string;
  type?: string;
  children?: unknown[];
}

/** Every input field (children included) of every operation outside authentication, as [path, field]. */
function inputFields(node: unknown, where = 'app'): [string, InputField | 'function'][] {
  if (Array.isArray(node)) return node.flatMap((item, i) => inputFields(item, `${where}[${i}]`));
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([key, value]): [string, InputField | 'function'][] => {
    if (key === 'authentication' || SKIPPED_KEYS.has(key)) return [];
    if (key !== 'inputFields' || !Array.isArray(value))
      return inputFields(value, `${where}.${key}`);
    return value.flatMap((field, i): [string, InputField | 'function'][] => {
      const path = `${where}.inputFields[${i}]`;
      if (typeof field === 'function') return [[path, 'function']];
      const input = field as InputField;
      const children = (input.children ?? []).map((child, j): [string, InputField] => [
        `${path}.children[${j}]`,
        child as InputField,
      ]);
      return [[`${path} (${input.key})`, input], ...children];
    });
  });
}

/** Words that make an input a credential, in its key or label (snake_case and camelCase split). */
const CREDENTIAL =
  /\b(password|passphrase|passcode|secret|credentials?|token|api ?key|private ?key|client ?secret)\b/i;

function credentialProblem(field: InputField): string | undefined {
  if (field.type === 'password') return 'is a password field';
  const words = `${field.key} ${field.label ?? ''}`
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ');
  const match = words.match(CREDENTIAL);
  return match ? `asks for a credential ("${match[1]}")` : undefined;
}

describe('the rule checks themselves', () => {
  it.each([
    ['See https://keygen.sh for more.', 'a bare link'],
    ['Go to www.keygen.sh.', 'a bare link'],
    ['Leave empty for Keygen Cloud (https://api.keygen.sh).', 'a bare link'],
    ['A [link]() with no URL.', 'a Markdown link to ""'],
    ['An [insecure link](http://keygen.sh).', 'a Markdown link to "http://keygen.sh"'],
    ['A [](https://keygen.sh) without text.', 'without text'],
  ])('finds the problem in %j', (text, problem) => {
    expect(linkProblems(text).join('; ')).toContain(problem);
  });

  it.each([
    'Plain text.',
    'The [Keygen dashboard](https://app.keygen.sh/settings) under Settings.',
    'Such as `https://keygen.example.com`, or [the default](https://api.keygen.sh).',
  ])('accepts %j', (text) => {
    expect(linkProblems(text)).toEqual([]);
  });

  it.each([
    [{ key: 'password', label: 'Password' }, 'credential ("password")'],
    [{ key: 'pin', label: 'PIN', type: 'password' }, 'password field'],
    [{ key: 'apiKey', label: 'Key' }, 'credential ("api Key")'],
    [{ key: 'client_secret', label: 'Client' }, 'credential ("client secret")'],
    [{ key: 'bearer', label: 'Access Token' }, 'credential ("Token")'],
  ])('flags %j as a credential', (field, problem) => {
    expect(credentialProblem(field)).toContain(problem);
  });

  it.each([
    { key: 'key', label: 'License Key' },
    { key: 'fingerprint', label: 'Fingerprint' },
    { key: 'max_activations', label: 'Max Activations' },
  ])('does not flag %j', (field) => {
    expect(credentialProblem(field)).toBeUndefined();
  });

  it('walks nested operations, children and authentication', () => {
    const definition = {
      authentication: { fields: [{ key: 'token', type: 'password', helpText: 'http://x.io' }] },
      creates: {
        c: {
          display: { description: 'Fine.' },
          operation: {
            inputFields: [{ key: 'rows', children: [{ key: 'secret', label: 'Secret' }] }],
            sample: { url: 'https://example.com' },
          },
        },
      },
    };
    expect(texts(definition).map(([where]) => where)).toEqual([
      'app.authentication.fields[0].helpText',
      'app.creates.c.display.description',
      'app.creates.c.operation.inputFields[0].children[0].label',
    ]);
    expect(inputFields(definition).map(([where]) => where)).toEqual([
      'app.creates.c.operation.inputFields[0] (rows)',
      'app.creates.c.operation.inputFields[0].children[0]',
    ]);
  });
});

describe('the app definition follows the publishing rules', () => {
  const allTexts = texts(App);
  const allInputs = inputFields(App);

  it('is walked whole: authentication, every trigger, action, search and search-or-create', () => {
    const walked = allTexts.map(([where]) => where);
    for (const group of ['triggers', 'creates', 'searches', 'searchOrCreates'] as const) {
      for (const key of Object.keys(App[group] ?? {})) {
        expect(walked.some((where) => where.startsWith(`app.${group}.${key}.`))).toBe(true);
      }
    }
    expect(walked).toContain('app.authentication.fields[0].helpText');
    expect(allInputs.length).toBeGreaterThan(50);
  });

  it('has no input field built by a function, which this walk could not see', () => {
    expect(allInputs.filter(([, field]) => field === 'function').map(([where]) => where)).toEqual(
      [],
    );
  });

  it('asks for no credential outside authentication', () => {
    const problems = allInputs.flatMap(([where, field]) => {
      const problem = field === 'function' ? undefined : credentialProblem(field);
      return problem ? [`${where} ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('writes every link in labels, help texts and descriptions as Markdown', () => {
    const problems = allTexts.flatMap(([where, text]) =>
      linkProblems(text).map((problem) => `${where}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });
});

describe('create_user without a password', () => {
  type Perform = (z: ZObject, bundle: Bundle) => Promise<Record<string, unknown>>;
  const perform = (App.creates as unknown as Record<string, { operation: { perform: Perform } }>)
    .create_user.operation.perform;

  it('sends no password, even from a Zap made when the action still had one', async () => {
    keygenApi()
      .post(at('/users'), { data: { type: 'users', attributes: { email: 'jane@example.com' } } })
      .reply(201, {
        data: { id: 'u1', type: 'users', attributes: { email: 'jane@example.com', metadata: {} } },
      });
    const result = await appTester(perform, {
      authData,
      inputData: { email: 'jane@example.com', password: 'hunter2' },
    });
    expect(result).toMatchObject({ id: 'u1', user_email: 'jane@example.com' });
  });

  it('tells in its help how the user gets a password', () => {
    const email = allEmailHelp();
    expect(email).toContain('without a password');
    expect(email).toContain('[password reset](https://keygen.sh/docs/api/passwords/)');
  });

  function allEmailHelp(): string {
    const fields = (App.creates.create_user.operation.inputFields ?? []) as InputField[];
    return (
      (fields.find((f) => f.key === 'email') as { helpText?: string } | undefined)?.helpText ?? ''
    );
  }
});
