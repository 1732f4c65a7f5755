import { useState } from 'react';
import { Button, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useAdminMutation } from '../../admin/hooks';
import { appOptions, userOptions, type Lookups } from '../../admin/lookups';
import { ErrorAlert } from '../../components/feedback';
import { plural } from '../../lib/format';

type Target = 'app' | 'user' | 'grant';

export interface RevokeAllDialogProps {
  opened: boolean;
  onClose: () => void;
  lookups: Lookups;
  /** Pre-selected from the screen's filters. */
  initial: { appId?: string; userId?: string; grantId?: string };
}

/** Revoke every live token of an app, a user or a grant, after saying exactly what that means. */
export function RevokeAllDialog({ opened, onClose, lookups, initial }: RevokeAllDialogProps) {
  const firstTarget: Target = initial.grantId ? 'grant' : initial.userId ? 'user' : 'app';
  const [target, setTarget] = useState<Target>(firstTarget);
  const [appId, setAppId] = useState<string | null>(initial.appId ?? null);
  const [userId, setUserId] = useState<string | null>(initial.userId ?? null);
  const [grantId, setGrantId] = useState(initial.grantId ?? '');
  const revokeAll = useAdminMutation('tokens.revokeAll');
  const chosen = target === 'app' ? appId : target === 'user' ? userId : grantId.trim() || null;
  const name = target === 'app' ? lookups.appName(appId) : target === 'user' ? lookups.userLabel(userId) : 'this grant';
  const close = () => {
    revokeAll.reset();
    onClose();
  };
  const confirm = async () => {
    if (!chosen) return;
    const input = target === 'app' ? { appId: chosen } : target === 'user' ? { userId: chosen } : { grantId: chosen };
    const result = await revokeAll.mutateAsync(input).catch(() => null);
    if (!result) return;
    notifications.show({
      color: 'teal',
      title: 'Revoked',
      message: `${plural(result.revokedTokens, 'token')} and ${plural(result.revokedGrants, 'grant')} of ${name ?? chosen} revoked.`,
    });
    close();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={700}>Revoke all tokens of…</Text>} centered>
      <Stack>
        <SegmentedControl
          value={target}
          onChange={(v) => setTarget(v as Target)}
          data={[
            { value: 'app', label: 'An app' },
            { value: 'user', label: 'A user' },
            { value: 'grant', label: 'A grant' },
          ]}
          aria-label="What to revoke"
        />
        {target === 'app' ? <Select label="App" data={appOptions(lookups.apps)} value={appId} onChange={setAppId} searchable /> : null}
        {target === 'user' ? <Select label="User" data={userOptions(lookups.users)} value={userId} onChange={setUserId} searchable /> : null}
        {target === 'grant' ? <TextInput label="Grant id" value={grantId} onChange={(e) => setGrantId(e.currentTarget.value)} className="mono" /> : null}
        <Text size="sm">
          {target === 'app'
            ? 'Every live code, access and refresh token and every grant of the app, for all its users, is revoked at once. Users must consent again.'
            : target === 'user'
              ? 'Every live token and grant of the user, in every app, is revoked at once.'
              : 'Every token of the grant is revoked, and the grant with them: the user must consent again.'}
        </Text>
        {revokeAll.error ? <ErrorAlert error={revokeAll.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} data-autofocus>
            Cancel
          </Button>
          <Button color="red" disabled={!chosen} loading={revokeAll.isPending} onClick={() => void confirm()}>
            Revoke all{name ? ` of ${name}` : ''}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
