import { useEffect, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';

interface Filters<K extends string> {
  values: Record<K, string | undefined>;
  set: (key: K, value: string | null | undefined) => void;
  clear: () => void;
}

/**
 * A free-text search box over one URL filter (see `useSearchFilters`): the
 * box answers every key stroke, the filter follows once typing pauses.
 * `clear` empties the box and every filter.
 */
export function useSearchText<K extends string>(filters: Filters<K>, key: K, delay: number) {
  const { set, clear: clearFilters } = filters;
  const [search, setSearch] = useState(filters.values[key] ?? '');
  const [debounced] = useDebouncedValue(search, delay);
  useEffect(() => set(key, debounced.trim() || null), [debounced, set, key]);
  const clear = () => {
    setSearch('');
    clearFilters();
  };
  return { search, setSearch, clear };
}
