import { useQuery } from '@tanstack/react-query';
import { generateTestSigningKey } from '../../../../shared/test-signing';

/**
 * The console session's test signing key: made on first use, then kept for
 * as long as the page lives (the query client is the session's; its key is
 * outside `['admin', …]`, so live changes never drop it). It is never sent
 * anywhere; a reload makes a new one.
 */
export function useTestSigningKey() {
  return useQuery({ queryKey: ['console', 'test-signing-key'], queryFn: generateTestSigningKey, staleTime: Infinity, gcTime: Infinity, retry: false });
}
