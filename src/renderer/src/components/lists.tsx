import { Button, Group } from '@mantine/core';

/** Shown while some filter is set: one click clears them all. */
export function ClearFiltersButton({ shown, onClear }: { shown: boolean; onClear: () => void }) {
  return shown ? (
    <Button variant="subtle" onClick={onClear}>
      Clear filters
    </Button>
  ) : null;
}

interface PagedLike {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** Fetches the next page of a paged list, while there is one. */
export function LoadMoreButton({ query, label = 'Load more' }: { query: PagedLike; label?: string }) {
  return query.hasNextPage ? (
    <Group justify="center">
      <Button variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
        {label}
      </Button>
    </Group>
  ) : null;
}
