import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Filters kept in the URL (`#/tokens?app=…&status=active`), so a filtered
 * view can be linked to from another screen and survives a reload.
 */
export function useSearchFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? undefined])) as Record<K, string | undefined>;
  /** Changes several filters in one navigation (two calls in one tick would not see each other). */
  const update = useCallback(
    (patch: Partial<Record<K, string | null | undefined>>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch) as Array<[K, string | null | undefined]>) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  const set = useCallback((key: K, value: string | null | undefined) => update({ [key]: value } as Partial<Record<K, string | null | undefined>>), [update]);
  const clear = useCallback(() => update(Object.fromEntries(keys.map((k) => [k, null])) as Partial<Record<K, null>>), [update, keys]);
  return { values, set, update, clear };
}
