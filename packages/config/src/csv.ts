// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. Each field keeps the
// line and column it starts at, so problems in a case file point at the cell.

export interface CsvField {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

export type CsvRow = ReadonlyArray<CsvField>;

export type CsvParse =
  | { readonly ok: true; readonly rows: ReadonlyArray<CsvRow> }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

export const parseCsv = (text: string): CsvParse => {
  const rows: Array<CsvRow> = [];
  let row: Array<CsvField> = [];
  let line = 1;
  let column = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  const atRowEnd = () => i >= text.length || text[i] === "\n" || text[i] === "\r";

  while (i < text.length) {
    const start = { line, column };
    let value = "";
    if (text[i] === '"') {
      i++;
      column++;
      for (;;) {
        if (i >= text.length) return { ok: false, ...start, message: "a quoted field is never closed" };
        const char = text[i]!;
        if (char === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            column += 2;
            continue;
          }
          i++;
          column++;
          break;
        }
        value += char;
        i++;
        if (char === "\n") {
          line++;
          column = 1;
        } else {
          column++;
        }
      }
      if (!atRowEnd() && text[i] !== ",") {
        return { ok: false, line, column, message: 'a quoted field must end at "," or the end of the line' };
      }
    } else {
      while (!atRowEnd() && text[i] !== ",") {
        value += text[i];
        i++;
        column++;
      }
    }
    row.push({ text: value, ...start });
    if (text[i] === ",") {
      i++;
      column++;
      if (atRowEnd()) row.push({ text: "", line, column });
    }
    if (atRowEnd()) {
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      // blank lines are not rows
      if (!(row.length === 1 && row[0]!.text === "")) rows.push(row);
      row = [];
      line++;
      column = 1;
    }
  }
  return { ok: true, rows };
};
