import { alignColumns } from "@consortium/engine/text";

/** Left-aligned columns two spaces apart, like `kubectl get`, under a header row. */
export const formatTable = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  alignColumns([header, ...rows]).join("\n");
