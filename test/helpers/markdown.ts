/** A markdown table as rows of trimmed cells, whatever its column widths (prettier aligns them). */
export const tableCells = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .filter((line) => !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
