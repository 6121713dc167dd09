import { ConfigError } from "@consortium/config";
import { expect, it } from "vitest";

it("renders a tagged error", () => {
  expect(new ConfigError({ file: "a.yaml", issues: [] })._tag).toBe("ConfigError");
});
