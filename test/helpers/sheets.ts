import type ExcelJS from 'exceljs';

/** A worksheet as its cells' values, row by row, every row as wide as the sheet (an empty cell is null). */
export function rows(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    out.push(Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value ?? null));
  });
  return out;
}
