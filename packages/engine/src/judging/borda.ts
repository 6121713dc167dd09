// Combines several rankings into one by Borda count: in a ranking of n answers the answer at place p
// (1 = best) scores n - p; an answer a ranking leaves out scores nothing from it. Ties go to the lower
// mean place among the rankings that placed it, then to the label in natural order ("Response 2"
// before "Response 10"), so the aggregate never depends on the order the reviews arrived in.

export interface BordaPlace {
  readonly label: string;
  readonly points: number;
  /** Mean place (1 = best) among the rankings that placed it; null when none did. */
  readonly averageRank: number | null;
}

// Made at the first tie it breaks, not when the module loads: creating a collator loads ICU's data,
// several milliseconds of every run's start-up, most of which never compare two labels.
let natural: Intl.Collator | undefined;
const naturalOrder = (a: string, b: string): number => {
  natural ??= new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  return natural.compare(a, b);
};

export const bordaCount = (
  labels: ReadonlyArray<string>,
  rankings: ReadonlyArray<ReadonlyArray<string>>
): Array<BordaPlace> => {
  const n = labels.length;
  const places = labels.map((label) => {
    let points = 0;
    let sum = 0;
    let count = 0;
    for (const ranking of rankings) {
      const at = ranking.indexOf(label);
      if (at < 0) continue;
      points += n - (at + 1);
      sum += at + 1;
      count += 1;
    }
    return { label, points, averageRank: count === 0 ? null : sum / count };
  });
  return places.sort(
    (a, b) =>
      b.points - a.points ||
      (a.averageRank ?? Number.POSITIVE_INFINITY) - (b.averageRank ?? Number.POSITIVE_INFINITY) ||
      naturalOrder(a.label, b.label)
  );
};
