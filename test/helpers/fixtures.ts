import fs from 'node:fs';
import path from 'node:path';

const DIR = path.join(__dirname, '..', 'fixtures', 'deliveries');

export interface DeliveryFixture {
  file: string;
  /** The compact body, byte for byte as Keygen sends it (the files are pretty-printed). */
  body: string;
  endpointUrl: string;
  json: {
    data: {
      id: string;
      attributes: {
        event: string;
        payload: string;
        apiVersion: string;
        created: string;
        endpoint: string;
      };
      meta: { idempotencyToken: string };
    };
  };
}

/** Real-shaped Keygen deliveries (ids and keys invented), kept in the repository. */
export const deliveryFixtures: DeliveryFixture[] = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => {
    const json = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
    return { file, body: JSON.stringify(json), endpointUrl: json.data.attributes.endpoint, json };
  });

export function fixture(prefix: string): DeliveryFixture {
  const found = deliveryFixtures.find((f) => f.file.startsWith(prefix));
  if (!found) throw new Error(`no delivery fixture starts with ${prefix}`);
  return found;
}
