import { randomBytes } from "node:crypto";
import { Clock, Effect } from "effect";

// Run ids sort by start time (ULID layout: 10 characters of milliseconds, 16 of randomness, Crockford
// base 32), so `consortium runs` lists them in order and a short prefix is enough for `show`. The
// random part comes from the OS, not Effect's seedable Random: two processes must never collide.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const encodeTime = (ms: number): string => {
  let out = "";
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
};

const encodeRandom = (bytes: Uint8Array): string => {
  let out = "";
  for (let i = 0; i < 16; i++) out += ALPHABET[bytes[i]! % 32];
  return out;
};

/** A 26-character id whose first 10 characters encode `ms`. */
export const formatRunId = (ms: number, random: Uint8Array): string => encodeTime(ms) + encodeRandom(random);

// One read from the OS for 256 ids: a randomBytes call per run was a measurable share of starting one.
const POOL_BYTES = 16 * 256;
let pool = new Uint8Array(0);
let used = 0;

const sixteenRandomBytes = (): Uint8Array => {
  if (used + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
};

export const makeRunId: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (now) =>
  formatRunId(now, sixteenRandomBytes())
);
