// One saved delivery judged exactly as the app's perform judges it: the app's verifier, then the
// app's reader and normalizer.
import { DeliveryError, readDelivery } from '../../keygen/delivery';
import { findEvent } from '../../keygen/events';
import { flattenEvent, type Flat } from '../../keygen/normalize';
import {
  SignatureError,
  verifyDelivery,
  type SignatureFailureReason,
} from '../../keygen/signature';
import { UnusableInput, verifyKeysOf, type DeliveryFile } from './delivery-file';

export type Verdict =
  | {
      verdict: 'valid';
      algorithm: string;
      keyId: string;
      signedAt: string;
      checkedAt: string;
      fields: Flat;
    }
  | {
      verdict: 'rejected';
      reason: SignatureFailureReason | 'unreadable-body';
      message: string;
      checkedAt: string;
    };

/**
 * Throws UnusableInput when the file cannot be judged (the key does not fit the signature's
 * algorithm); otherwise says whether the app would accept the delivery.
 */
export function inspectDelivery(file: DeliveryFile, now: Date = new Date()): Verdict {
  const keys = verifyKeysOf(file.publicKey);
  const checkedAt = file.receivedAt ? new Date(file.receivedAt) : now;
  const at = checkedAt.toISOString();
  let verified;
  try {
    verified = verifyDelivery({
      body: file.body,
      headers: file.headers,
      endpointUrl: file.endpointUrl,
      keys,
      now: checkedAt,
    });
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    if (error.reason === 'missing-key') {
      const given = Object.keys(keys)[0];
      throw new UnusableInput(
        `${error.message} The file's publicKey is the account's ${given} key: put the key of the delivery's algorithm there (ed25519, rsa2048 for rsa-*, ecdsa for ecdsa-p256).`,
      );
    }
    return { verdict: 'rejected', reason: error.reason, message: error.message, checkedAt: at };
  }
  try {
    const { event, payload } = readDelivery(file.body);
    return {
      verdict: 'valid',
      algorithm: verified.algorithm,
      keyId: verified.keyId,
      signedAt: verified.date.toISOString(),
      checkedAt: at,
      fields: flattenEvent(event, payload, findEvent(event.attributes.event), checkedAt.getTime()),
    };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    return {
      verdict: 'rejected',
      reason: 'unreadable-body',
      message: error.message,
      checkedAt: at,
    };
  }
}
