/**
 * The event types a webhook endpoint may subscribe to: the rows Keygen seeds (keygen-api db/seeds.rb). The
 * four types Keygen emits without seeding them (group owners, two process events) are refused
 * until they have fired once, which in the sandbox they never do. Written out here rather than
 * taken from the app's catalog, so the sandbox checks the app instead of agreeing with it.
 */
const FAMILIES: Record<string, string> = {
  account:
    'updated subscription.canceled subscription.paused subscription.renewed subscription.resumed plan.updated billing.updated settings.created settings.updated settings.deleted',
  artifact:
    'created updated deleted downloaded upload.processing upload.succeeded upload.failed uploaded',
  component: 'created updated deleted',
  entitlement: 'created updated deleted',
  environment: 'created updated deleted',
  group: 'created updated deleted',
  key: 'created updated deleted',
  license:
    'created updated deleted suspended reinstated renewed revoked checked-in checked-out expiring-soon expired check-in-required-soon check-in-overdue usage.incremented usage.decremented usage.reset policy.updated owner.updated group.updated user.updated validation.succeeded validation.failed validated entitlements.attached entitlements.detached users.attached users.detached',
  machine:
    'created updated deleted checked-out group.updated owner.updated heartbeat.ping heartbeat.pong heartbeat.reset heartbeat.dead heartbeat.resurrected proofs.generated',
  package: 'created updated deleted',
  policy: 'created updated deleted entitlements.attached entitlements.detached pool.popped',
  process: 'created deleted heartbeat.ping heartbeat.pong heartbeat.dead',
  product: 'created updated deleted',
  release:
    'created updated deleted published yanked package.updated uploaded upgraded downloaded constraints.attached constraints.detached replaced',
  'second-factor': 'created enabled disabled deleted',
  token: 'generated regenerated revoked',
  user: 'created updated deleted banned unbanned group.updated password-reset',
};

export const SUBSCRIBABLE_EVENTS: ReadonlySet<string> = new Set(
  Object.entries(FAMILIES).flatMap(([family, suffixes]) =>
    suffixes.split(' ').map((suffix) => `${family}.${suffix}`),
  ),
);
