import pg from "pg";
import { describe, expect, it } from "vitest";
import { poolSettings } from "../src/postgres/openPostgres.js";

// The TLS options node-postgres derives from the URL the store hands it: an sslmode means what it
// means to libpq (psql, and the managed PostgreSQL services that give such URLs out).

const tlsOf = (url: string): unknown =>
  (
    new pg.Client({ connectionString: poolSettings(url).connectionString }) as unknown as {
      connectionParameters: { ssl: unknown };
    }
  ).connectionParameters.ssl;

const BASE = "postgres://team:pw@db.example:5432/runs";

describe("sslmode in a postgres:// URL", () => {
  it("require encrypts without verifying the certificate, as libpq does", () => {
    expect(tlsOf(`${BASE}?sslmode=require`)).toEqual({ rejectUnauthorized: false });
    expect(tlsOf(`${BASE}?sslmode=prefer&pool=2`)).toEqual({ rejectUnauthorized: false });
  });

  it("verify-full verifies, disable and no sslmode do not encrypt, pg's own no-verify keeps its meaning", () => {
    const full = tlsOf(`${BASE}?sslmode=verify-full`) as Record<string, unknown>;
    expect(full).toBeTypeOf("object");
    expect(full.rejectUnauthorized).not.toBe(false);
    expect(tlsOf(`${BASE}?sslmode=disable`)).toBe(false);
    expect(tlsOf(BASE)).toBeFalsy();
    expect(tlsOf(`${BASE}?sslmode=no-verify`)).toEqual({ rejectUnauthorized: false });
  });

  it("verify-ca without a CA to verify against is refused in one line", () => {
    expect(() => tlsOf(`${BASE}?sslmode=verify-ca`)).toThrow(/sslrootcert/);
  });
});
