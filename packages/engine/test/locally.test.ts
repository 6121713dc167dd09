import { describe, expect, it } from "@effect/vitest";
import { Deferred, Effect, Fiber, FiberRef } from "effect";
import { locally } from "../src/locally.js";

// The engine's cheaper Effect.locally: the value holds while the effect runs, and the value before it
// is back afterwards however the effect ended (a model call's site must never leak into the next call).

const site = FiberRef.unsafeMake<string | undefined>(undefined);

describe("locally", () => {
  it.effect("holds the value inside and restores the outer one after a success", () =>
    Effect.gen(function* () {
      yield* FiberRef.set(site, "outer");
      const inside = yield* locally(FiberRef.get(site), site, "inner");
      expect(inside).toBe("inner");
      expect(yield* FiberRef.get(site)).toBe("outer");
    })
  );

  it.effect("restores after a failure and a defect, and nests", () =>
    Effect.gen(function* () {
      const failed = yield* Effect.either(locally(Effect.fail("no"), site, "inner"));
      expect(failed._tag).toBe("Left");
      expect(yield* FiberRef.get(site)).toBeUndefined();
      const died = yield* Effect.exit(locally(Effect.dieMessage("bug"), site, "inner"));
      expect(died._tag).toBe("Failure");
      expect(yield* FiberRef.get(site)).toBeUndefined();
      const nested = yield* locally(
        Effect.zip(locally(FiberRef.get(site), site, "deep"), FiberRef.get(site)),
        site,
        "inner"
      );
      expect(nested).toEqual(["deep", "inner"]);
      expect(yield* FiberRef.get(site)).toBeUndefined();
    })
  );

  it.effect("restores when the effect is interrupted while it runs", () =>
    Effect.gen(function* () {
      const started = yield* Deferred.make<void>();
      const seen = yield* Deferred.make<string | undefined>();
      const fiber = yield* Effect.fork(
        Effect.zipRight(
          Effect.onInterrupt(
            locally(Effect.zipRight(Deferred.succeed(started, undefined), Effect.never), site, "inner"),
            () => Effect.flatMap(FiberRef.get(site), (value) => Deferred.succeed(seen, value))
          ),
          Effect.void
        )
      );
      yield* Deferred.await(started);
      yield* Fiber.interrupt(fiber);
      expect(yield* Deferred.await(seen)).toBeUndefined();
    })
  );
});
