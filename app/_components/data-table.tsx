/**
 * The app's tables: scrollable on narrow screens, with one header row of
 * column names. A column given as `{ hidden }` (an action column of buttons)
 * is named for screen readers only.
 */
export type Column = string | { hidden: string };

export function DataTable({ label, columns, children }: { label?: string; columns: Column[]; children: React.ReactNode }) {
  return (
    <div className="table-scroll">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === "string" ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : (
                <th key={column.hidden} scope="col">
                  <span className="visually-hidden">{column.hidden}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
