import { EVENTS } from '../keygen/events';
import { dropdownTriggers } from './dropdowns';
import { licenseExpiringWithin } from './expiring-within';
import { eventTrigger } from './hook';
import { newEvent } from './new-event';

export const triggers = {
  ...Object.fromEntries(EVENTS.filter((e) => e.ownTrigger).map((e) => [e.key, eventTrigger(e)])),
  new_event: newEvent,
  license_expiring_within: licenseExpiringWithin,
  ...dropdownTriggers,
};
