/**
 * The app's tables: scrollable sideways when they are wider than the screen
 * (the scrolling box is a tab stop, so that a keyboard can scroll a table that
 * holds no link or button), with one header row of column names. A column given as `{ hidden }` (an action column of buttons)
 * is named for screen readers only.
 */
export type Column = string | { hidden: string };

export function DataTable({ label, columns, children }: { label?: string; columns: Column[]; children: React.ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0}>
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
