// @vitest-environment jsdom
import './setup';
import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SecretOnceDialog } from '../../src/renderer/src/components/SecretOnceDialog';
import { renderPlain } from './console-harness';

function renderDialog(secret: string | null = 'oc_sec_0123456789abcdef') {
  const onClose = vi.fn();
  renderPlain(<SecretOnceDialog secret={secret} kind="client secret" owner="Billing" extras={[{ label: 'Client ID', value: 'oc_app_billing' }]} onClose={onClose} />);
  return { onClose, user: userEvent.setup({ delay: null }) };
}

describe('SecretOnceDialog', () => {
  it('shows the secret and says it is the only time, naming whose it is', async () => {
    renderDialog();
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('secret-value')).toHaveTextContent('oc_sec_0123456789abcdef');
    expect(dialog).toHaveTextContent(/only time it is shown/i);
    expect(dialog).toHaveTextContent(/stores only a hash of the client secret of Billing/);
    expect(within(dialog).getByText('oc_app_billing')).toBeInTheDocument();
  });

  it('offers copy buttons with accessible names for the secret and the extras', async () => {
    renderDialog();
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('button', { name: 'Copy client secret' })).toBeEnabled();
    expect(within(dialog).getByRole('button', { name: 'Copy Client ID' })).toBeEnabled();
  });

  it('closes only after the user says the secret is saved: not on Escape, not before the box is ticked', async () => {
    const { onClose, user } = renderDialog();
    const dialog = await screen.findByRole('dialog');
    const done = within(dialog).getByRole('button', { name: 'Done' });
    expect(done).toBeDisabled();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('checkbox', { name: /copied the client secret/i }));
    expect(done).toBeEnabled();
    await user.click(done);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('renders nothing without a secret', () => {
    renderDialog(null);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
