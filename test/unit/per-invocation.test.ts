// What an invocation costs beyond its own work: core compiles the definition once per process
// (platform/compile-once.ts), and the client's requests carry no copy of it (merge: false).
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, ZObject } from 'zapier-platform-core';
import { compileDefinitionsOnce, MEASURED_CORE } from '../../platform/compile-once';
import { keygen } from '../../keygen/client';
import { App, appTester, at, authData, keygenApi } from '../helpers/app';

// Internal to core: the module its createApp and lambda handler call prepareApp through.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schema = require('zapier-platform-core/src/tools/schema');
// The handler Zapier's wrapper makes of the app; core's types leave it out.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createAppHandler } = require('zapier-platform-core') as {
  createAppHandler: (
    app: object,
  ) => (event: object) => Promise<{ results: Record<string, Record<string, unknown>> }>;
};

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

type Definition = Record<string, unknown>;

/** A stand-in for core's schema tools that counts compiles. */
function countingTools() {
  const compiled: unknown[] = [];
  const tools = {
    prepareApp: (appRaw: unknown): unknown => {
      if (appRaw == null) throw new Error('App definition could not be loaded');
      if ((appRaw as Definition).broken) throw new Error('invalid definition');
      compiled.push(appRaw);
      return { compiledFrom: appRaw, at: compiled.length };
    },
  };
  return { tools, compiled };
}

/** A core of the measured version whose schema module is `tools`. */
const coreOf = (tools: unknown, version: unknown = MEASURED_CORE) => ({
  version,
  schema: () => tools,
});

describe('compileDefinitionsOnce', () => {
  it('compiles a definition once and hands later calls the same result', () => {
    const { tools, compiled } = countingTools();
    compileDefinitionsOnce(coreOf(tools));
    const definition = { version: '1.0.0', triggers: {} };
    const first = tools.prepareApp(definition);
    expect(tools.prepareApp(definition)).toBe(first);
    expect(tools.prepareApp(definition)).toBe(first);
    expect(compiled).toEqual([definition]);
  });

  it('compiles again when a property of the definition is added, replaced or removed', () => {
    const { tools, compiled } = countingTools();
    compileDefinitionsOnce(coreOf(tools));
    const definition: Definition = { version: '1.0.0', triggers: {} };
    const plain = tools.prepareApp(definition);
    // What core's app tester does around an ad hoc function.
    definition._testRequest = () => 1;
    const withTest = tools.prepareApp(definition);
    expect(withTest).not.toBe(plain);
    expect(tools.prepareApp(definition)).toBe(withTest);
    delete definition._testRequest;
    expect(tools.prepareApp(definition)).not.toBe(withTest);
    definition.triggers = {};
    tools.prepareApp(definition);
    expect(compiled).toHaveLength(4);
  });

  it('compiles each definition object on its own, even with equal content', () => {
    const { tools, compiled } = countingTools();
    compileDefinitionsOnce(coreOf(tools));
    const a = tools.prepareApp({ version: '1.0.0' });
    const b = tools.prepareApp({ version: '1.0.0' });
    expect(a).not.toBe(b);
    expect(compiled).toHaveLength(2);
  });

  it("leaves core's errors to core and keeps no failed compile", () => {
    const { tools } = countingTools();
    compileDefinitionsOnce(coreOf(tools));
    expect(() => tools.prepareApp(null)).toThrow('could not be loaded');
    expect(() => tools.prepareApp(undefined)).toThrow('could not be loaded');
    const definition: Definition = { broken: true };
    expect(() => tools.prepareApp(definition)).toThrow('invalid definition');
    definition.broken = false;
    expect(tools.prepareApp(definition)).toEqual({ compiledFrom: definition, at: 1 });
  });

  it('installs once', () => {
    const { tools, compiled } = countingTools();
    expect(compileDefinitionsOnce(coreOf(tools))).toBe(true);
    const installed = tools.prepareApp;
    expect(compileDefinitionsOnce(coreOf(tools))).toBe(true);
    expect(tools.prepareApp).toBe(installed);
    const definition = {};
    tools.prepareApp(definition);
    tools.prepareApp(definition);
    expect(compiled).toHaveLength(1);
  });
});

describe('compileDefinitionsOnce on a core it was not measured on', () => {
  /** Core's prepareApp stays in place and compiles on every call. */
  function expectCoreAsItIs(
    tools: { prepareApp: (appRaw: unknown) => unknown },
    compiled: unknown[],
  ) {
    const original = tools.prepareApp;
    const definition = { version: '1.0.0' };
    tools.prepareApp(definition);
    tools.prepareApp(definition);
    expect(tools.prepareApp).toBe(original);
    expect(compiled).toEqual([definition, definition]);
  }

  it.each(['19.1.1', '19.0.0', '20.0.0', '', undefined, 19.1])(
    'leaves core %p as it is, without loading its private module',
    (version) => {
      const { tools, compiled } = countingTools();
      const schema = jest.fn(() => tools);
      expect(compileDefinitionsOnce({ version, schema })).toBe(false);
      expect(schema).not.toHaveBeenCalled();
      expectCoreAsItIs(tools, compiled);
    },
  );

  it('leaves core as it is when its private module has moved or fails to load', () => {
    const moved = () => {
      throw Object.assign(new Error("Cannot find module 'zapier-platform-core/src/tools/schema'"), {
        code: 'MODULE_NOT_FOUND',
      });
    };
    expect(compileDefinitionsOnce({ version: MEASURED_CORE, schema: moved })).toBe(false);
  });

  it.each([
    ['an empty module', {}],
    ['a module whose prepareApp is not a function', { prepareApp: 'compiled' }],
    ['a module that is not an object', 'schema'],
    ['no module', null],
    ['a module of undefined', undefined],
  ])('leaves %s alone', (_what, tools) => {
    const before = structuredClone(tools);
    expect(compileDefinitionsOnce(coreOf(tools))).toBe(false);
    expect(tools).toEqual(before);
  });

  it.each([
    ['frozen', (tools: object) => Object.freeze(tools)],
    [
      'read-only',
      (tools: object) => Object.defineProperty(tools, 'prepareApp', { writable: false }),
    ],
    [
      'a getter',
      (tools: { prepareApp: unknown }) => {
        const { prepareApp } = tools;
        return Object.defineProperty(tools, 'prepareApp', { get: () => prepareApp });
      },
    ],
  ])("keeps core's prepareApp when the module holds it %s", (_how, lock) => {
    const { tools, compiled } = countingTools();
    lock(tools);
    expect(compileDefinitionsOnce(coreOf(tools))).toBe(false);
    expectCoreAsItIs(tools, compiled);
  });
});

describe('loading the app on another core version', () => {
  it('loads the app, and core keeps its own prepareApp', () => {
    jest.isolateModules(() => {
      jest.doMock('zapier-platform-core', () => ({
        ...jest.requireActual('zapier-platform-core'),
        version: '20.0.0',
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const app = require('../../index');
      expect(Object.keys(app.triggers)).toContain('license_created');
      expect(app.platformVersion).toBe('20.0.0');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const coreSchema = require('zapier-platform-core/src/tools/schema');
      expect(coreSchema).not.toBe(schema);
      expect(Symbol.for('keygen-zapier.compile-once') in coreSchema.prepareApp).toBe(false);
      expect(coreSchema.prepareApp(app)).not.toBe(coreSchema.prepareApp(app));
    });
    jest.dontMock('zapier-platform-core');
  }, 30_000);
});

describe('the installed zapier-platform-core', () => {
  it('is the version compile-once was measured on, so the app compiles once', () => {
    // When core is upgraded this fails: measure again (npm run bench), then update MEASURED_CORE.
    expect(App.platformVersion).toBe(MEASURED_CORE);
    expect(schema.prepareApp[Symbol.for('keygen-zapier.compile-once')]).toBe(true);
  });
});

describe('zapier-platform-core with the app loaded', () => {
  it('compiles the app once: prepareApp answers the same frozen definition', () => {
    const compiled = schema.prepareApp(App);
    expect(schema.prepareApp(App)).toBe(compiled);
    expect(Object.isFrozen(compiled.triggers.license_created.operation)).toBe(true);
  }, 30_000);

  it("core's handler gives every invocation the same compiled definition", async () => {
    const seen: unknown[] = [];
    const definition = {
      version: '1.0.0',
      platformVersion: App.platformVersion,
      beforeApp: [
        (input: { _zapier: { app: unknown } }) => {
          seen.push(input._zapier.app);
          return input;
        },
      ],
      triggers: {
        ping: {
          key: 'ping',
          noun: 'Ping',
          display: { label: 'Ping', description: 'Triggers when pinged.' },
          operation: { perform: () => [{ id: 1 }], sample: { id: 1 } },
        },
      },
    };
    const handler = createAppHandler(definition);
    const event = () => ({
      command: 'execute',
      method: 'triggers.ping.operation.perform',
      bundle: {},
      calledFromCli: true,
    });
    expect((await handler(event())).results).toEqual([{ id: 1 }]);
    expect((await handler(event())).results).toEqual([{ id: 1 }]);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
  });

  it('the definition command answers exactly what a fresh compile of the app serializes', async () => {
    const handler = createAppHandler(App);
    const { results } = await handler({ command: 'definition', calledFromCli: true });
    expect(results).toEqual(schema.serializeApp(schema.compileApp(App)));
    // The editor's content is all there: labelled outputFields and a sample for each operation.
    for (const group of ['triggers', 'creates', 'searches']) {
      for (const member of Object.values(results[group]) as {
        display: { hidden?: boolean };
        operation: { outputFields?: { label?: string }[]; sample?: object };
      }[]) {
        if (member.display.hidden) continue;
        expect(member.operation.sample).toEqual(expect.any(Object));
        const fixed = (member.operation.outputFields ?? []).filter((f) => typeof f === 'object');
        expect(fixed.length).toBeGreaterThan(1);
        for (const field of fixed) expect(field.label).toBeTruthy();
      }
    }
    expect((await handler({ command: 'validate', calledFromCli: true })).results).toEqual([]);
  }, 30_000);
});

describe('requests', () => {
  it('send every header the client sets and keygen-zapier/<version> as User-Agent', async () => {
    const scope = keygenApi()
      .matchHeader('user-agent', `keygen-zapier/${pkg.version}`)
      .matchHeader('content-type', 'application/vnd.api+json')
      .matchHeader('keygen-environment', 'sandbox')
      .post(at('/licenses/ABC-123/actions/suspend'), { meta: { reason: 'test' } })
      .reply(200, { data: { id: 'lic-1', type: 'licenses', attributes: {} } });
    const response = await appTester(
      (z: ZObject, bundle: Bundle) =>
        keygen(z, bundle, {
          method: 'POST',
          path: ['licenses', 'ABC-123', 'actions', 'suspend'],
          body: { meta: { reason: 'test' } },
          action: 'suspend license "ABC-123"',
          target: 'license "ABC-123"',
        }),
      { authData: { ...authData, environment: 'sandbox' } },
    );
    expect(response).toMatchObject({ status: 200, data: { data: { id: 'lic-1' } } });
    expect(scope.isDone()).toBe(true);
  }, 30_000);

  it('send text that looks like a Zapier template as it is, neither filled in nor refused', async () => {
    // Core's merge refuses {{bundle.…}} in a request; without it such a value is only text.
    const name = '{{bundle.authData.token}} {{process.env.HOME}}';
    const scope = keygenApi()
      .post(at('/licenses'), (body) => {
        expect(JSON.stringify(body)).not.toContain(authData.token);
        return body.data?.attributes?.name === name;
      })
      .reply(201, { data: { id: 'lic-1', type: 'licenses', attributes: { name } } });
    const response = await appTester(
      (z: ZObject, bundle: Bundle) =>
        keygen(z, bundle, {
          method: 'POST',
          path: ['licenses'],
          body: { data: { type: 'licenses', attributes: { name } } },
          action: 'create a license',
          target: 'license',
        }),
      { authData },
    );
    expect(response).toMatchObject({ status: 201, data: { data: { attributes: { name } } } });
    expect(scope.isDone()).toBe(true);
  }, 30_000);

  it('ask core not to merge the request options, which carry the whole compiled app', async () => {
    const options: Record<string, unknown>[] = [];
    const z = {
      request: async (request: Record<string, unknown>) => {
        options.push(request);
        return { status: 204, text: async () => '', getHeader: () => undefined };
      },
    } as unknown as ZObject;
    await keygen(z, { authData, inputData: {} } as unknown as Bundle, {
      path: ['me'],
      action: 'read who the token belongs to',
      target: 'account "acme"',
    });
    expect(options).toHaveLength(1);
    expect(options[0]).toMatchObject({
      merge: false,
      method: 'GET',
      headers: expect.objectContaining({ 'User-Agent': `keygen-zapier/${pkg.version}` }),
    });
  });
});
