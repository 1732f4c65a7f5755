import { useState } from 'react';
import { Button, Group, Modal, SimpleGrid, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { usersCreateInput, usersUpdateInput, type User } from '../../../../shared/contract';
import { useAdminMutation } from '../../admin/hooks';
import { ErrorAlert } from '../../components/feedback';
import { useFormSubmit } from '../../lib/use-form-submit';
import { claimsInput, claimValuesOf, parseExtraClaims, UserClaimsFields, type ClaimValues } from './UserClaimsFields';

interface UserValues extends ClaimValues {
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
  groups: string[];
}

function valuesOf(user: User | null): UserValues {
  return {
    email: user?.email ?? '',
    name: user?.name ?? '',
    givenName: user?.givenName ?? '',
    familyName: user?.familyName ?? '',
    picture: user?.picture ?? '',
    groups: user?.groups ?? [],
    ...claimValuesOf(user),
  };
}

function toInput(values: UserValues, extraClaims: Record<string, unknown>) {
  return {
    email: values.email.trim(),
    name: values.name,
    givenName: values.givenName.trim() || null,
    familyName: values.familyName.trim() || null,
    picture: values.picture.trim() || null,
    groups: values.groups,
    ...claimsInput(values, extraClaims),
  };
}

/** Create a test user, or edit one (`user` set). Errors show next to their fields. */
export function UserFormModal({ opened, user, onClose }: { opened: boolean; user: User | null; onClose: () => void }) {
  const [values, setValues] = useState(() => valuesOf(user));
  const [jsonError, setJsonError] = useState<string | undefined>();
  const create = useAdminMutation('users.create');
  const update = useAdminMutation('users.update');
  const form = useFormSubmit<ReturnType<typeof toInput> & { id?: string }>(user ? usersUpdateInput : usersCreateInput, (input) =>
    user ? update.mutateAsync({ ...input, id: user.id }) : create.mutateAsync(input),
  );
  const set = <K extends keyof UserValues>(key: K, value: UserValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const close = () => {
    form.reset();
    setJsonError(undefined);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={700}>{user ? `Edit ${user.name}` : 'New test user'}</Text>} size="lg" centered>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const extraClaims = parseExtraClaims(values.extraClaims);
          setJsonError(typeof extraClaims === 'string' ? extraClaims : undefined);
          if (typeof extraClaims === 'string') return;
          const input = toInput(values, extraClaims);
          void form.submit(user ? { ...input, id: user.id } : input).then((ok) => ok && close());
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" withAsterisk value={values.name} onChange={(e) => set('name', e.currentTarget.value)} error={form.errors.name} data-autofocus />
            <TextInput label="Email" withAsterisk type="email" value={values.email} onChange={(e) => set('email', e.currentTarget.value)} error={form.errors.email} />
            <TextInput label="Given name" value={values.givenName} onChange={(e) => set('givenName', e.currentTarget.value)} error={form.errors.givenName} />
            <TextInput label="Family name" value={values.familyName} onChange={(e) => set('familyName', e.currentTarget.value)} error={form.errors.familyName} />
          </SimpleGrid>
          <TextInput label="Picture URL" placeholder="https://" value={values.picture} onChange={(e) => set('picture', e.currentTarget.value)} error={form.errors.picture} />
          <TagsInput
            label="Groups"
            description="Released in the groups claim. Press Enter after each."
            value={values.groups}
            onChange={(v) => set('groups', v)}
            error={form.errors.groups}
          />
          <UserClaimsFields values={values} errors={{ ...form.errors, ...(jsonError ? { extraClaims: jsonError } : {}) }} onChange={(key, value) => set(key, value as UserValues[typeof key])} />
          {form.error && form.error.fields.length === 0 ? <ErrorAlert error={form.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={form.pending}>
              {user ? 'Save' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
