/** Payloads an endpoint on an older Keygen API version stored, read in the pinned version's names. */
import { toCurrentNames } from '../../keygen/api-versions';

describe('toCurrentNames', () => {
  const policy = (attributes: Record<string, unknown>) => ({
    id: 'p1',
    type: 'policies',
    attributes,
  });

  it('renames up to the last version with each old name', () => {
    const old = {
      leasingStrategy: 'PER_MACHINE',
      fingerprintUniquenessStrategy: 'UNIQUE_PER_ACCOUNT',
      fingerprintMatchingStrategy: 'MATCH_ALL',
    };
    expect(toCurrentNames(policy(old), '1.2').attributes).toEqual({
      processLeasingStrategy: 'PER_MACHINE',
      machineUniquenessStrategy: 'UNIQUE_PER_ACCOUNT',
      machineMatchingStrategy: 'MATCH_ALL',
    });
    // Keygen lists each rename under the last version with the old name: 1.3 and 1.6 still have it.
    expect(toCurrentNames(policy(old), '1.3').attributes).toEqual({
      processLeasingStrategy: 'PER_MACHINE',
      machineUniquenessStrategy: 'UNIQUE_PER_ACCOUNT',
      machineMatchingStrategy: 'MATCH_ALL',
    });
    expect(toCurrentNames(policy({ leasingStrategy: 'PER_LICENSE' }), '1.6').attributes).toEqual({
      processLeasingStrategy: 'PER_LICENSE',
    });
    // From 1.4 on, machine*Strategy is the name: a fingerprint* attribute there is left alone.
    const fingerprint = policy({ fingerprintMatchingStrategy: 'MATCH_ALL' });
    expect(toCurrentNames(fingerprint, '1.4').attributes).toEqual(fingerprint.attributes);
    const leasing = policy({ leasingStrategy: 'PER_LICENSE' });
    expect(toCurrentNames(leasing, '1.7')).toBe(leasing);
  });

  it('leaves current payloads, other types and a current name already present as they are', () => {
    const current = policy({ processLeasingStrategy: 'PER_MACHINE' });
    expect(toCurrentNames(current, '1.8')).toBe(current);
    const license = { id: 'l1', type: 'licenses', attributes: { leasingStrategy: 'x' } };
    expect(toCurrentNames(license, '1.4')).toBe(license);
    const both = policy({ leasingStrategy: 'OLD', processLeasingStrategy: 'NEW' });
    expect(toCurrentNames(both, '1.4').attributes).toEqual(both.attributes);
  });

  it('renames when the version is absent or unreadable, without changing the input', () => {
    const old = policy({ leasingStrategy: 'PER_MACHINE' });
    for (const version of [null, undefined, '', 'v1', '1.x']) {
      expect(toCurrentNames(old, version).attributes).toEqual({
        processLeasingStrategy: 'PER_MACHINE',
      });
    }
    expect(old.attributes).toEqual({ leasingStrategy: 'PER_MACHINE' });
  });
});
