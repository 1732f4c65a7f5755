import { Button, Group, Modal, SimpleGrid, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { usersCreateInput, usersUpdateInput, type User } from '../../../../shared/contract';
import { useAdminMutation } from '../../admin/hooks';
import { ErrorAlert } from '../../components/feedback';
import { FormAttention } from '../../components/FormAttention';
import { useContractForm } from '../../lib/use-contract-form';
import { CLAIM_LABELS, claimsInput, claimValuesOf, extraClaimsFromText, UserClaimsFields, type ClaimValues } from './UserClaimsFields';

type UserValues = ClaimValues & {
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  picture: string;
  groups: string[];
};

const LABELS = {
  name: 'Name',
  email: 'Email',
  givenName: 'Given name',
  familyName: 'Family name',
  picture: 'Picture URL',
  groups: 'Groups',
  ...CLAIM_LABELS,
};

/** users.create and users.update, with the extra claims checked as the form holds them (JSON text). */
const createSchema = usersCreateInput.extend({ extraClaims: extraClaimsFromText });
const updateSchema = usersUpdateInput.omit({ id: true }).extend({ extraClaims: extraClaimsFromText });

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

function toInput(values: UserValues) {
  return {
    email: values.email.trim(),
    name: values.name,
    givenName: values.givenName.trim() || null,
    familyName: values.familyName.trim() || null,
    picture: values.picture.trim() || null,
    groups: values.groups,
    ...claimsInput(values),
  };
}

/** Create a test user, or edit one (`user` set). Errors show next to their fields; a new user is announced. */
export function UserFormModal({ opened, user, onClose }: { opened: boolean; user: User | null; onClose: () => void }) {
  const create = useAdminMutation('users.create');
  const update = useAdminMutation('users.update');
  const { form, root, onSubmit, failure, labels } = useContractForm({
    schema: user ? updateSchema : createSchema,
    toInput,
    labels: LABELS,
    initialValues: valuesOf(user),
    send: (input) => {
      // Checked before sending: the extra claims are an object by now.
      const claims = { ...input, extraClaims: typeof input.extraClaims === 'string' ? {} : input.extraClaims };
      return user ? update.mutateAsync({ ...claims, id: user.id }) : create.mutateAsync(claims);
    },
    onSuccess: (saved) => {
      if (!user) notifications.show({ color: 'teal', title: 'User created', message: `${saved.name} (${saved.email}) can sign in now.` });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{user ? `Edit ${user.name}` : 'New test user'}</Text>} size="lg" centered>
      <form ref={root} noValidate onSubmit={onSubmit}>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={LABELS.name} withAsterisk {...form.getInputProps('name')} data-autofocus />
            <TextInput label={LABELS.email} withAsterisk type="email" {...form.getInputProps('email')} />
            <TextInput label={LABELS.givenName} {...form.getInputProps('givenName')} />
            <TextInput label={LABELS.familyName} {...form.getInputProps('familyName')} />
          </SimpleGrid>
          <TextInput label={LABELS.picture} placeholder="https://" {...form.getInputProps('picture')} />
          <TagsInput label={LABELS.groups} description="Released in the groups claim. Press Enter after each." {...form.getInputProps('groups')} />
          <UserClaimsFields inputProps={form.getInputProps} />
          <FormAttention errors={form.errors} labels={labels} />
          {failure ? <ErrorAlert error={failure} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              {user ? 'Save' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
