import { ariaSort, type SortState } from './table-fns.ts';

export interface Column<K extends string> {
  key: K;
  label: string;
  numeric?: boolean;
}

/** A table head whose column titles are buttons: Enter or a click sorts, `aria-sort` says how. */
export function SortableHead<K extends string>({
  columns,
  sort,
  onSort,
}: {
  columns: readonly Column<K>[];
  sort: SortState<K>;
  onSort(key: K): void;
}) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th
            key={c.key}
            scope="col"
            className={c.numeric ? 'num' : undefined}
            aria-sort={ariaSort(sort, c.key)}
          >
            <button type="button" className="sort" onClick={() => onSort(c.key)}>
              {c.label}
              <span aria-hidden="true" className="sort-mark">
                {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
              </span>
            </button>
          </th>
        ))}
      </tr>
    </thead>
  );
}
