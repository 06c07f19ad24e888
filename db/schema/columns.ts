import { customType, timestamp } from "drizzle-orm/pg-core";

/** Every timestamp is timestamptz, read as a JS Date. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** A Postgres tsvector, built in SQL (to_tsvector / setweight); read back as its text form. */
export const tsvector = customType<{ data: string; driverData: string }>({
  dataType: () => "tsvector",
});

/** Raw bytes. The pg driver (Node and the Neon driver alike) reads bytea as a Buffer, a Uint8Array. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});
