/**
 * The example Zaps, as data: docs/examples.md and docs/publishing.md are generated from them
 * (`npm run docs`), and test/e2e/examples.test.ts runs every one against the sandbox, step by
 * step, checking that each field a step maps exists in the output of the step it comes from.
 *
 * They run in this order against one sandbox, so later Zaps find what earlier ones created (the
 * Stripe subscription `sub_1QExample01` of the first checkout). Steps of other apps are given as
 * data shaped like what those apps hand to later steps (Zapier flattens nested fields with `__`).
 * A dev tool: the app never imports it.
 */

/**
 * Text with `{{stepN.field}}` mappings, a list of such texts or choices, key-value pairs, or a
 * dropdown choice. `{{example.license_key}}` stands for a key your own app sends.
 */
export type Value =
  string | Choice | readonly (string | Choice)[] | Readonly<Record<string, string>>;

/** The user picks from a dropdown (a hidden trigger), here the entry whose label contains `label`. */
export interface Choice {
  readonly choose: string;
  readonly label: string;
}

export type Input = Readonly<Record<string, Value>>;

/** A trigger of this app; one Zap per key, every one of them feeding the same later steps. */
export interface TriggerStep {
  readonly trigger: readonly string[];
  readonly input?: Input;
}

export interface ActionStep {
  readonly create: string;
  readonly input: Input;
}

export interface SearchStep {
  readonly search: string;
  readonly input: Input;
}

/** Find or Create: the search's input, and the create's when the search finds nothing. */
export interface SearchOrCreateStep {
  readonly searchOrCreate: string;
  readonly search: Input;
  readonly create: Input;
}

/** A step of another app, with what it hands to later steps. */
export interface OtherAppStep {
  readonly app: string;
  readonly event: string;
  readonly input?: Input;
  readonly output?: Readonly<Record<string, unknown>>;
}

/** Filter by Zapier: the Zap goes on only when the mapped value is `equals` (or set, with `exists`). */
export interface FilterStep {
  readonly filter: string;
  readonly equals?: string;
  readonly exists?: true;
}

export type Step =
  TriggerStep | ActionStep | SearchStep | SearchOrCreateStep | OtherAppStep | FilterStep;

export interface ExampleZap {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly Step[];
  /** Said under the steps: what to watch for, variations. */
  readonly notes?: string;
}

const SUBSCRIPTION = 'sub_1QExample01';
const OFFLINE_SUBSCRIPTION = 'sub_1QExample02';
const PRO = { choose: 'list_policies', label: 'Pro Monthly' } as const;
const PERPETUAL = { choose: 'list_policies', label: 'Perpetual' } as const;
const FEATURE_A = { choose: 'list_entitlements', label: 'Feature A' } as const;

const stripeCheckout = (subscription: string, email: string, name: string): OtherAppStep => ({
  app: 'Stripe',
  event: 'Checkout Session Completed',
  output: {
    id: `cs_test_${subscription.slice(-4)}`,
    customer: 'cus_QExample01',
    customer_details__email: email,
    customer_details__name: name,
    subscription,
    amount_total: 4900,
    currency: 'usd',
    status: 'complete',
  },
});

const stripeSubscription = (status: string, extra: Record<string, unknown> = {}): OtherAppStep => ({
  app: 'Stripe',
  event: 'Updated Subscription',
  output: {
    id: SUBSCRIPTION,
    customer: 'cus_QExample01',
    status,
    current_period_end: 1798761600,
    items__data__price__nickname: 'Pro Monthly',
    quantity: 1,
    ...extra,
  },
});

const findBySubscription = (value: string): SearchStep => ({
  search: 'find_license',
  input: { metadata_key: 'stripeSubscriptionId', metadata_value: value },
});

const slack = (text: string): OtherAppStep => ({
  app: 'Slack',
  event: 'Send Channel Message',
  input: { channel: '#licensing', text },
});

const email = (to: string, subject: string, body: string, attachment?: string): OtherAppStep => ({
  app: 'Email by Zapier',
  event: 'Send Outbound Email',
  input: { to, subject, body, ...(attachment ? { attachment } : {}) },
});

const catchHook = (output: Record<string, unknown>): OtherAppStep => ({
  app: 'Webhooks by Zapier',
  event: 'Catch Hook',
  output,
});

export const EXAMPLE_ZAPS: readonly ExampleZap[] = [
  {
    id: 'checkout-license',
    title: 'A Stripe checkout creates a license and emails the key',
    steps: [
      stripeCheckout(SUBSCRIPTION, 'grace@example.com', 'Grace Hopper'),
      {
        searchOrCreate: 'find_user',
        search: { email: '{{step1.customer_details__email}}' },
        create: {
          email: '{{step1.customer_details__email}}',
          first_name: 'Grace',
          last_name: 'Hopper',
          metadata: { stripeCustomerId: '{{step1.customer}}' },
        },
      },
      {
        create: 'create_license',
        input: {
          policy: PRO,
          owner: '{{step2.id}}',
          name: 'Pro License ({{step1.customer_details__name}})',
          metadata: { stripeSubscriptionId: '{{step1.subscription}}' },
        },
      },
      email(
        '{{step2.user_email}}',
        'Your license key',
        'Your key: {{step3.license_key}} (valid until {{step3.license_expiry}}).',
      ),
    ],
    notes:
      'First and last name can come from a Formatter step that splits the checkout’s customer name. To make a replayed checkout safe, use Find or Create License with Metadata Key `stripeSubscriptionId` instead of Create License.',
  },
  {
    id: 'checkout-license-file',
    title: 'A Stripe checkout for an offline install emails the license file',
    steps: [
      stripeCheckout(OFFLINE_SUBSCRIPTION, 'alan@example.com', 'Alan Turing'),
      {
        searchOrCreate: 'find_user',
        search: { email: '{{step1.customer_details__email}}' },
        create: { email: '{{step1.customer_details__email}}' },
      },
      {
        create: 'create_license',
        input: {
          policy: PERPETUAL,
          owner: '{{step2.id}}',
          metadata: { stripeSubscriptionId: '{{step1.subscription}}' },
        },
      },
      {
        create: 'checkout_license_file',
        input: { license: '{{step3.id}}', ttl: '31536000', include: ['entitlements'] },
      },
      email(
        '{{step2.user_email}}',
        'Your license file',
        'Key {{step4.license_key}}; the attached file is valid until {{step4.license_file_expiry}}.',
        '{{step4.license_file}}',
      ),
    ],
    notes:
      'Use a policy with a signing scheme (such as `ED25519_SIGN`) so your app can verify the file offline. TTL empty means one month, `0` a file that never expires. Files are also checked out for suspended and expired licenses: add a Filter on License Status before step 4 to send only active ones.',
  },
  {
    id: 'subscription-sync',
    title: 'A Stripe subscription changes: the license follows it in one step',
    steps: [
      stripeSubscription('past_due'),
      {
        create: 'sync_license_subscription',
        input: {
          subscription_id: '{{step1.id}}',
          status: '{{step1.status}}',
          period_end: '{{step1.current_period_end}}',
        },
      },
      slack('License {{step2.license_key}}: {{step2.changes}}'),
    ],
    notes:
      'One Zap on Stripe’s Updated Subscription (and one on Canceled Subscription) covers every status: active and trialing reinstate and set the expiry to the period end, past due suspends, canceled suspends (or revokes or expires, with On Cancel). A repeat writes nothing. The per-status Zaps below are the alternative when you want different logic per status.',
  },
  {
    id: 'subscription-past-due',
    title: 'Per status, instead: a Stripe subscription goes past due: suspend the license',
    steps: [
      stripeSubscription('past_due'),
      { filter: '{{step1.status}}', equals: 'past_due' },
      findBySubscription('{{step1.id}}'),
      { create: 'suspend_license', input: { license: '{{step3.id}}' } },
    ],
    notes:
      'A license that is already suspended is not an error: the step succeeds with Changed = false, so Stripe’s repeated updates don’t fail the Zap.',
  },
  {
    id: 'subscription-active',
    title: 'Per status, instead: a Stripe subscription is active again: reinstate the license',
    steps: [
      stripeSubscription('active'),
      { filter: '{{step1.status}}', equals: 'active' },
      findBySubscription('{{step1.id}}'),
      { create: 'reinstate_license', input: { license: '{{step3.id}}' } },
    ],
  },
  {
    id: 'invoice-paid-renew',
    title: 'A paid Stripe invoice renews the license',
    steps: [
      {
        app: 'Stripe',
        event: 'New Invoice Paid',
        output: {
          id: 'in_1QExample01',
          subscription: SUBSCRIPTION,
          customer_email: 'grace@example.com',
          amount_paid: 4900,
        },
      },
      findBySubscription('{{step1.subscription}}'),
      { create: 'renew_license', input: { license: '{{step2.id}}' } },
      email(
        '{{step1.customer_email}}',
        'Your license is renewed',
        'License {{step3.license_key}} now runs until {{step3.license_expiry}}.',
      ),
    ],
  },
  {
    id: 'plan-change',
    title: 'A Stripe plan change moves the license to the new policy and seat count',
    steps: [
      stripeSubscription('active', { items__data__price__nickname: 'Perpetual', quantity: 5 }),
      findBySubscription('{{step1.id}}'),
      { search: 'find_policy', input: { name: '{{step1.items__data__price__nickname}}' } },
      {
        create: 'change_license_policy',
        input: { license: '{{step2.id}}', policy: '{{step3.id}}' },
      },
      {
        create: 'update_license',
        input: { license: '{{step2.id}}', max_machines: '{{step1.quantity}}' },
      },
    ],
    notes: 'Name the policies after the Stripe prices, so Find Policy matches by name.',
  },
  {
    id: 'activate-machine',
    title:
      'Your app asks to activate: validate the key, activate the machine, return a machine file',
    steps: [
      catchHook({
        license_key: '{{example.license_key}}',
        fingerprint: '4f:9a:12:c3:7e:01',
        hostname: 'build-server-1',
      }),
      { search: 'validate_license_key', input: { key: '{{step1.license_key}}' } },
      { filter: '{{step2.validation_valid}}', equals: 'true' },
      {
        create: 'activate_machine',
        input: {
          license: '{{step2.license_id}}',
          fingerprint: '{{step1.fingerprint}}',
          hostname: '{{step1.hostname}}',
        },
      },
      { create: 'checkout_machine_file', input: { machine: '{{step4.id}}' } },
      {
        create: 'create_license_token',
        input: { license: '{{step2.license_id}}', name: 'Activation on {{step1.hostname}}' },
      },
      {
        app: 'Webhooks by Zapier',
        event: 'POST',
        input: {
          url: 'https://api.example.com/activations',
          machine_file: '{{step5.machine_file_certificate}}',
          token: '{{step6.token_token}}',
        },
      },
    ],
    notes:
      'Validate License Key always returns one result, also for an unknown key (Validation Code `NOT_FOUND`), so the filter decides. The token is a secret: send it only to your own server.',
  },
  {
    id: 'seat-reset',
    title: 'A customer asks to free a seat: deactivate the machine',
    steps: [
      catchHook({ license_key: '{{example.license_key}}', fingerprint: '4f:9a:12:c3:7e:01' }),
      {
        search: 'find_machine',
        input: { fingerprint: '{{step1.fingerprint}}', license: '{{step1.license_key}}' },
      },
      { create: 'deactivate_machine', input: { machine: '{{step2.id}}' } },
    ],
  },
  {
    id: 'metered-usage',
    title: 'Your app reports usage: increment the license’s uses',
    steps: [
      catchHook({ license_key: '{{example.license_key}}', uses: '3' }),
      {
        create: 'increment_license_usage',
        input: { license: '{{step1.license_key}}', increment: '{{step1.uses}}' },
      },
    ],
  },
  {
    id: 'usage-refund',
    title: 'Credits are refunded: decrement the license’s uses',
    steps: [
      catchHook({ license_key: '{{example.license_key}}', refunded_uses: '1' }),
      {
        create: 'decrement_license_usage',
        input: { license: '{{step1.license_key}}', decrement: '{{step1.refunded_uses}}' },
      },
    ],
  },
  {
    id: 'monthly-reset',
    title: 'Every month: reset usage and check the offline license in',
    steps: [
      { app: 'Schedule by Zapier', event: 'Every Month', output: { pretty_date: 'Jan 1, 2027' } },
      findBySubscription(OFFLINE_SUBSCRIPTION),
      { create: 'reset_license_usage', input: { license: '{{step2.id}}' } },
      { create: 'check_in_license', input: { license: '{{step2.id}}' } },
    ],
    notes:
      'Step 2 names one subscription; to do this for every license, put a Looping by Zapier step over your subscription IDs before it.',
  },
  {
    id: 'add-on',
    title: 'An add-on is bought or cancelled: attach or detach its entitlement',
    steps: [
      stripeSubscription('active', { add_on: 'feature-a', add_on_status: 'active' }),
      findBySubscription('{{step1.id}}'),
      {
        create: 'attach_license_entitlements',
        input: {
          license: '{{step2.id}}',
          entitlements: [FEATURE_A],
        },
      },
      {
        create: 'detach_license_entitlements',
        input: {
          license: '{{step2.id}}',
          entitlements: [FEATURE_A],
        },
      },
    ],
  },
  {
    id: 'seat-transfer',
    title: 'A license changes hands: new owner, updated user',
    steps: [
      catchHook({
        license_key: '{{example.license_key}}',
        new_owner_email: 'katherine@example.com',
        new_owner_name: 'Katherine',
      }),
      {
        searchOrCreate: 'find_user',
        search: { email: '{{step1.new_owner_email}}' },
        create: { email: '{{step1.new_owner_email}}' },
      },
      {
        create: 'update_user',
        input: { user: '{{step2.id}}', first_name: '{{step1.new_owner_name}}' },
      },
      {
        create: 'change_license_owner',
        input: { license: '{{step1.license_key}}', owner: '{{step2.id}}' },
      },
    ],
  },
  {
    id: 'dispute',
    title: 'A Stripe dispute is opened: ban the user and revoke the license',
    steps: [
      {
        app: 'Stripe',
        event: 'New Dispute',
        output: { id: 'dp_1QExample01', reason: 'fraudulent', email: 'grace@example.com' },
      },
      { search: 'find_user', input: { email: '{{step1.email}}' } },
      { create: 'ban_user', input: { user: '{{step2.id}}' } },
      { search: 'find_license', input: { owner_email: '{{step2.user_email}}' } },
      { create: 'revoke_license', input: { license: '{{step4.id}}' } },
    ],
  },
  {
    id: 'dispute-won',
    title: 'A Stripe dispute is won: unban the user',
    steps: [
      {
        app: 'Stripe',
        event: 'Updated Dispute',
        output: { id: 'dp_1QExample01', status: 'won', email: 'grace@example.com' },
      },
      { filter: '{{step1.status}}', equals: 'won' },
      { search: 'find_user', input: { email: '{{step1.email}}' } },
      { create: 'unban_user', input: { user: '{{step3.id}}' } },
    ],
  },
  {
    id: 'customer-deleted',
    title: 'A Stripe customer is deleted: delete their license',
    steps: [
      {
        app: 'Stripe',
        event: 'Canceled Subscription',
        output: { id: OFFLINE_SUBSCRIPTION, status: 'canceled', customer: 'cus_QExample02' },
      },
      findBySubscription('{{step1.id}}'),
      { create: 'delete_license', input: { license: '{{step2.id}}' } },
    ],
  },
  {
    id: 'license-events',
    title: 'License events post to Slack',
    steps: [
      {
        trigger: [
          'license_created',
          'license_updated',
          'license_suspended',
          'license_reinstated',
          'license_renewed',
          'license_revoked',
          'license_deleted',
          'license_checked_in',
          'license_checked_out',
          'license_usage_incremented',
          'license_usage_decremented',
          'license_usage_reset',
          'license_policy_updated',
          'license_owner_updated',
        ],
      },
      slack(
        '{{step1.event}}: {{step1.license_name}} ({{step1.license_key}}), now {{step1.license_status}}',
      ),
    ],
    notes: 'Every trigger has an optional Product (and, for licenses, Policy) to narrow it down.',
  },
  {
    id: 'validation-events',
    title: 'A license validation fails: tell the team on Slack',
    steps: [
      { trigger: ['license_validation_failed', 'license_validation_succeeded'] },
      slack('{{step1.license_key}}: {{step1.validation_code}} ({{step1.validation_detail}})'),
    ],
  },
  {
    id: 'expiry-reminder',
    title: 'A license is about to expire: email its owner',
    steps: [
      {
        trigger: [
          'license_expiring_within',
          'license_expiring_soon',
          'license_expired',
          'license_check_in_required_soon',
          'license_check_in_overdue',
        ],
        input: { days: '30' },
      },
      { filter: '{{step1.license_owner_id}}', exists: true },
      { search: 'find_user', input: { user: '{{step1.license_owner_id}}' } },
      email(
        '{{step3.user_email}}',
        'Your license expires in {{step1.license_days_until_expiry}} days',
        'Hi {{step3.user_full_name}}, {{step1.license_name}} ({{step1.license_key}}) expires on {{step1.license_expiry}}.',
      ),
    ],
    notes:
      'License Expiring Within fires once per license and expiry date, at the distance you choose; License Expiring Soon is Keygen’s fixed 3-day event, sent once a day.',
  },
  {
    id: 'machine-events',
    title: 'Machine events post to Slack',
    steps: [
      {
        trigger: [
          'machine_created',
          'machine_updated',
          'machine_deleted',
          'machine_heartbeat_dead',
          'machine_heartbeat_resurrected',
        ],
      },
      slack(
        '{{step1.event}}: {{step1.machine_fingerprint}} of license {{step1.machine_license_id}}',
      ),
    ],
  },
  {
    id: 'user-events',
    title: 'User events post to Slack',
    steps: [
      { trigger: ['user_created', 'user_updated', 'user_banned', 'user_unbanned', 'user_deleted'] },
      slack('{{step1.event}}: {{step1.user_email}}'),
    ],
  },
  {
    id: 'password-reset',
    title: 'A user asks for a password reset: send your own email',
    steps: [
      { trigger: ['user_password_reset'] },
      email(
        '{{step1.user_email}}',
        'Reset your password',
        'Use this code within 24 hours: {{step1.password_reset_token}}',
      ),
    ],
  },
  {
    id: 'entitlement-events',
    title: 'Entitlements change on a license: post to Slack',
    steps: [
      { trigger: ['license_entitlements_attached', 'license_entitlements_detached'] },
      slack(
        '{{step1.event}}: {{step1.license_entitlement_entitlement_ids}} on {{step1.license_entitlement_license_ids}}',
      ),
    ],
  },
  {
    id: 'release-events',
    title: 'A release is published: announce it',
    steps: [
      { trigger: ['release_published', 'release_created', 'release_yanked'] },
      slack('{{step1.event}}: version {{step1.release_version}} on {{step1.release_channel}}'),
    ],
  },
  {
    id: 'artifact-events',
    title: 'Artifacts are uploaded or downloaded: post to Slack',
    steps: [
      { trigger: ['artifact_uploaded', 'artifact_downloaded'] },
      slack('{{step1.event}}: {{step1.artifact_filename}} ({{step1.artifact_platform}})'),
    ],
  },
  {
    id: 'any-event',
    title: 'Any events you choose post to Slack',
    steps: [
      { trigger: ['new_event'], input: { events: ['license.created', 'machine.created'] } },
      slack('{{step1.event}} on {{step1.resource_type}} {{step1.resource_id}}'),
    ],
    notes: 'Leave Events empty to get every event; all 119 event types can be chosen.',
  },
];
