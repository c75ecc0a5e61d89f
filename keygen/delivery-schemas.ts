import { z } from 'zod/mini';

const optionalText = z.optional(z.nullable(z.string()));

export const webhookEvent = z.object({
  id: z.string().check(z.minLength(1)),
  type: z.optional(z.string()),
  attributes: z.object({
    event: z.string().check(z.minLength(1)),
    payload: optionalText,
    apiVersion: optionalText,
    created: optionalText,
  }),
  meta: z.optional(z.nullable(z.object({ idempotencyToken: optionalText }))),
});

const resource = z.looseObject({ id: z.string(), type: z.string() });

export const payloadDocument = z.looseObject({
  data: z.optional(z.nullable(z.union([resource, z.array(resource)]))),
  meta: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
});

export const accountKeys = z.object({
  data: z.object({
    meta: z.object({
      keys: z.object({
        ed25519: optionalText,
        rsa2048: optionalText,
        ecdsa: optionalText,
      }),
    }),
  }),
});
