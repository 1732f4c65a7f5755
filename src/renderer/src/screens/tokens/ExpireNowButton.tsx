import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ProcedureInput } from '../../../../shared/contract';
import { useAdminMutation } from '../../admin/hooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { plural } from '../../lib/format';

/**
 * "Expire now": a token, a grant's tokens or an app's tokens reach their
 * expiry at once, for testing how a client handles it. Not a revocation:
 * they show as expired, and introspection answers `active: false`.
 */
export function ExpireNowButton({ target, what, disabled, size = 'xs' }: { target: ProcedureInput<'tokens.expire'>; what: string; disabled?: boolean; size?: 'xs' | 'sm' }) {
  const expire = useAdminMutation('tokens.expire');
  return (
    <ConfirmButton
      label={`Expire ${what} now`}
      variant="subtle"
      size={size}
      disabled={disabled}
      title={`Expire ${what} now?`}
      confirmLabel="Expire now"
      action={() => expire.mutateAsync(target)}
      onDone={(result) => notifications.show({ color: 'teal', title: 'Expired', message: `${plural((result as { expired: number }).expired, 'token')} expired now.` })}
    >
      <Text size="sm">
        Expired, not revoked: the token shows as expired, introspection says <code>active: false</code>, and the resource API refuses it, as if its lifetime had run out.
      </Text>
    </ConfirmButton>
  );
}
