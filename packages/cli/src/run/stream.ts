import { textPieces } from "@consortium/engine";
import * as Effect from "effect/Effect";

// The synthesis on stdout piece by piece, as `serve` streams it, each piece written once stdout has
// taken the previous one. Only the final round's synthesis ever gets here (earlier rounds are progress
// on stderr), so nothing half-printed is left on stdout if a later round replaces it.

const write = (text: string) =>
  Effect.async<void>((resume) => {
    process.stdout.write(text, () => resume(Effect.void));
  });

export const streamText = (text: string) =>
  Effect.gen(function* () {
    for (const piece of textPieces(text)) yield* write(piece);
    yield* write("\n");
  });
