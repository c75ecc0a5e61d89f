/**
 * The app's version: Zapier's version of the integration, and part of the User-Agent of every
 * request. Kept equal to package.json's version by test/unit/app.test.ts.
 */
export const VERSION = '1.0.0';
