import * as Command from "@effect/cli/Command";
import * as ValidationError from "@effect/cli/ValidationError";
import * as Cause from "effect/Cause";
import * as Effect from "effect/Effect";
import * as Option from "effect/Option";

// @effect/cli prints each parse error itself (three lines with the blank one and our hint after it)
// before it fails with it. What it prints on stderr before a command's own code starts is held back:
// a parse error is then rendered once, on one line, in render.ts; anything else is let out as it was.

// biome-ignore lint/suspicious/noExplicitAny: any command; the gate changes neither its input nor its errors
type AnyCommand = Command.Command<any, any, any, any>;

/** Makes `command` let held stderr out as its own code starts. */
export type Gate = <C extends AnyCommand>(command: C) => C;

/**
 * Runs `run`, which is given the gate to put on its commands; stderr written before one of them
 * starts is dropped if parsing failed and written out otherwise.
 */
export const holdParseErrors = <A, E, R>(run: (gate: Gate) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.consoleWith((base) => {
    let held: Array<ReadonlyArray<unknown>> | undefined = [];
    const release = Effect.suspend(() => {
      const lines = held ?? [];
      held = undefined;
      return Effect.forEach(lines, (args) => base.error(...args), { discard: true });
    });
    const gate: Gate = (command) =>
      Command.transformHandler(command, (handler) => Effect.zipRight(release, handler)) as typeof command;
    const console = {
      ...base,
      error: (...args: ReadonlyArray<unknown>) =>
        held === undefined ? base.error(...args) : Effect.sync(() => held?.push(args))
    };
    return run(gate).pipe(
      Effect.withConsole(console),
      Effect.tapErrorCause((cause) => {
        const failure = Option.getOrUndefined(Cause.failureOption(cause));
        if (ValidationError.isValidationError(failure)) held = undefined;
        return release;
      }),
      Effect.tap(() => release)
    );
  });
