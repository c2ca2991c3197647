/** A chart's figures as a table, for screen readers (the drawing itself is one image to them). */
export function ChartTable({ head, rows }: { head: string[]; rows: { key: string; cells: string[] }[] }) {
  return (
    <figcaption className="visually-hidden">
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, i) => (
                // a row's cells are positional: the column is the key
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figcaption>
  );
}
