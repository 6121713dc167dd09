// One line of the results table: a measurement next to what it would be with zero overhead.

export interface Row {
  readonly scenario: string;
  readonly measured: number;
  /** What it would take with no overhead at all; the ratio is measured / ideal. */
  readonly ideal: number;
  readonly unit: "ms" | "MB" | "ms/call";
  /** Shown instead of a ratio check when the target is not a ratio (e.g. "≤ +150 ms"). */
  readonly target: string;
  readonly ok: boolean | undefined;
  readonly note?: string;
}

export const ratio = (row: Row): number => row.measured / row.ideal;

const number = (value: number, unit: Row["unit"]): string =>
  unit === "ms/call" ? `${value.toFixed(3)} ms` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;

export const renderTable = (rows: ReadonlyArray<Row>): string => {
  const lines = [
    "| scenario | measured | ideal | ratio | target | met |",
    "| --- | ---: | ---: | ---: | --- | :---: |",
    ...rows.map((row) =>
      [
        "",
        row.note === undefined ? row.scenario : `${row.scenario} (${row.note})`,
        number(row.measured, row.unit),
        number(row.ideal, row.unit),
        `${ratio(row).toFixed(3)}×`,
        row.target,
        row.ok === undefined ? "" : row.ok ? "yes" : "**no**",
        ""
      ]
        .join(" | ")
        .trim()
    )
  ];
  return lines.join("\n");
};

/** A scenario that could not run says why, as a table note rather than a number. */
export interface Skipped {
  readonly scenario: string;
  readonly reason: string;
}
