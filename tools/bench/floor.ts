// The floor the bench compares the app with: verifying, reading and flattening a delivery with the
// app's own modules, without Zapier around them. Bundled by `node tools/scripts/build.js bench-floor`.
export { verifyDelivery } from '../../keygen/signature';
export { readDelivery } from '../../keygen/delivery';
export { flattenEvent } from '../../keygen/normalize';
export { findEvent } from '../../keygen/events';
