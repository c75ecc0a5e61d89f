// nock for one test file: no real network, every interceptor a test sets up is used, and nothing
// is left for the next test or the next file (nock patches http for the whole jest worker).
import nock from 'nock';

/** Requests of the current test that no interceptor matched: none when input is refused first. */
export const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
  unmatched.push(`${req.method} ${req.href ?? req.path}`);
};

export function useNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  beforeEach(() => {
    unmatched.length = 0;
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    if (pending.length)
      throw new Error(`Keygen calls expected but not made: ${pending.join(', ')}`);
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.enableNetConnect();
    nock.restore();
  });
}
