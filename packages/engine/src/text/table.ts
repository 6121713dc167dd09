/** Code points, so a column with accents or emoji lines up as well as plain ASCII. */
const width = (cell: string): number => [...cell].length;

/**
 * Columns two spaces apart, like `kubectl get`: the first row sets nothing special (a header is just a
 * row), `rightAligned` columns (numbers) are padded on the left, the last column is never padded and no
 * line ends in spaces.
 */
export const alignColumns = (
  rows: ReadonlyArray<ReadonlyArray<string>>,
  rightAligned: ReadonlySet<number> = new Set()
): ReadonlyArray<string> => {
  const widths: Array<number> = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, width(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, column) => {
        if (column === row.length - 1) return cell;
        const fill = " ".repeat((widths[column] ?? 0) - width(cell));
        return rightAligned.has(column) ? `${fill}${cell}` : `${cell}${fill}`;
      })
      .join("  ")
      .trimEnd()
  );
};
