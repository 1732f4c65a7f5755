import { useState } from 'react';
import { Button, Card, Tabs } from '@mantine/core';
import { IconKey } from '../../components/icons';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { MintDialog } from './mint/MintDialog';
import { PasteInspector } from './PasteInspector';
import { TokensPanel } from './TokensPanel';

/** Every code and token the server issued, and an inspector for pasted ones. */
export function TokensScreen() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'paste' ? 'paste' : 'stored';
  const [minting, setMinting] = useState(false);
  return (
    <>
      <PageHeader
        title="Tokens"
        description="Authorization codes, access, refresh and client-credentials tokens. Values are never stored: rows are kept by their SHA-256."
        actions={
          <Button leftSection={<IconKey size={16} />} onClick={() => setMinting(true)}>
            Mint token
          </Button>
        }
      />
      <MintDialog opened={minting} onClose={() => setMinting(false)} />
      <Tabs value={tab} onChange={(v) => setParams(v === 'paste' ? { tab: 'paste' } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="stored">Issued tokens</Tabs.Tab>
          <Tabs.Tab value="paste">Inspect a token</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="stored">
          <Card withBorder padding="md">
            <TokensPanel />
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="paste">
          <PasteInspector />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
