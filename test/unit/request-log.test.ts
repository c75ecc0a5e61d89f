// What core logs of the app's requests, read through core's customLogger (the hook `zapier
// invoke` uses, zapier-platform-core src/tools/create-logger.js): each request once, without
// Keygen's answer in it, and no run of the token in any entry.
import http from 'node:http';
import https from 'node:https';
import * as core from 'zapier-platform-core';
import { RUN } from '../../keygen/redact';
import { App, JSON_API, TOKEN, at, authData, keygenApi } from '../helpers/app';
import { fixture } from '../helpers/fixtures';

interface Entry {
  message: string;
  data: Record<string, unknown>;
}

type Definition = object;
// Exported by core, though not declared in its types.
const { createAppHandler } = core as unknown as {
  createAppHandler: (definition: Definition) => (event: object) => Promise<{ results: unknown }>;
};
const SUSPEND = 'creates.suspend_license.operation.perform';
const LIST = 'triggers.license_created.operation.performList';

/** Every entry core logs in one invocation, and what the invocation gave. */
async function invoke(definition: Definition, method: string, inputData: object) {
  const entries: Entry[] = [];
  const handler = createAppHandler(definition);
  const outcome = await handler({
    command: 'execute',
    method,
    bundle: { authData, inputData, meta: {} },
    customLogger: (message: string, data: Record<string, unknown>) =>
      entries.push({ message, data }),
  }).catch((error: Error) => error);
  return { entries, http: entries.filter((e) => e.data.log_type === 'http'), outcome };
}

const license = { data: { id: 'L-1', type: 'licenses', attributes: { status: 'SUSPENDED' } } };

/** A page of webhook events, each with the idempotency token core takes for a secret. */
function events(count: number) {
  const { data } = fixture('license-created').json;
  return {
    data: Array.from({ length: count }, (_, i) => ({
      ...data,
      id: `evt-${i}`,
      attributes: { ...data.attributes, idempotencyToken: `idem${String(i).padStart(60, '0')}` },
    })),
    links: { next: null },
  };
}

// Core patches http(s) once per process and marks the module; undo a mark left by an earlier
// file's invocation, so the control below sees the patch wrap this file's nock.
const modules = [http, https] as unknown as Record<string, unknown>[];
const saved = modules.map((m) => m.request);
beforeAll(() => {
  for (const m of modules) delete m.patchedByZapier;
});
afterAll(() => {
  modules.forEach((m, i) => {
    m.request = saved[i];
    delete m.patchedByZapier;
  });
});

describe('each request is logged once', () => {
  it('by the app as it is: one entry per request, from z.request', async () => {
    keygenApi().post(at('/licenses/L-1/actions/suspend')).reply(200, license, JSON_API);
    const { http: logged, outcome } = await invoke(App, SUSPEND, { license: 'L-1' });
    expect(outcome).toMatchObject({ results: { license_id: 'L-1' } });
    expect(logged.map((e) => [e.message, e.data.request_type])).toEqual([
      [
        `200 POST https://api.keygen.sh${at('/licenses/L-1/actions/suspend')}`,
        'devplatform-outbound',
      ],
    ]);
  });

  // The guard: without the app's flag, core's http patch logs each request a second time, as it
  // knows z.request's own only by `user-agent: ['Zapier']` (src/tools/create-http-patch.js). If
  // core ever recognises the app's requests, this fails and the flag can go; if core ignores the
  // flag, the test above fails.
  it('and twice without skipHttpPatch, which is why the app sets it', async () => {
    keygenApi().post(at('/licenses/L-1/actions/suspend')).reply(200, license, JSON_API);
    const { http: logged } = await invoke({ ...App, flags: {} }, SUSPEND, { license: 'L-1' });
    expect(logged.map((e) => e.data.request_type).sort()).toEqual([
      'devplatform-outbound',
      'patched-devplatform-outbound',
    ]);
  });
});

describe('what the log holds of an answer', () => {
  it("not a listing's body: no idempotency token for core's scrubber to scan the log for", async () => {
    keygenApi().get(at('/webhook-events')).query(true).times(3).reply(200, events(100), JSON_API);
    const { http: logged, outcome } = await invoke(App, LIST, { product: 'another-product' });
    expect(outcome).toMatchObject({
      results: [expect.objectContaining({ event: 'license.created' })],
    });
    expect(logged).toHaveLength(3);
    for (const entry of logged) {
      expect(entry.data.response_status_code).toBe(200);
      expect(String(entry.data.response_content)).not.toContain('idem');
    }
  }, 30_000);

  it('no run of the token, when an error page quotes it encoded or cut short', async () => {
    const quoted = [
      `&#${TOKEN.charCodeAt(0)};${TOKEN.slice(1)}`,
      encodeURIComponent(TOKEN.slice(0, 30)).replace(/-/g, '%2D'),
      `${TOKEN.slice(5, 5 + RUN + 2)}…`,
    ];
    keygenApi()
      .post(at('/licenses/L-1/actions/suspend'))
      .reply(502, `<html><title>Bad gateway</title><p>${quoted.join(' ')}</p></html>`, {
        'Content-Type': 'text/html',
      });
    const { entries, outcome } = await invoke(App, SUSPEND, { license: 'L-1' });
    expect(String(outcome)).toContain('Keygen (or a proxy in front of it) failed');
    const text = decoded(JSON.stringify(entries.map((e) => [e.message, e.data])));
    expect(text).toContain('Bad gateway');
    for (let i = 0; i + RUN <= TOKEN.length; i += 1) {
      expect(text).not.toContain(TOKEN.slice(i, i + RUN));
    }
  });
});

/** HTML references and percent-encoding taken off, so an encoded copy reads as the token. */
function decoded(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)))
    .replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
