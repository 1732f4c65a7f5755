import { useEffect, useRef, type ReactNode } from 'react';
import { ActionIcon, AppShell, Badge, Burger, Group, NavLink, ScrollArea, Text, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { useAdmin, useAdminQuery } from './admin/hooks';
import type { LiveStatus } from './admin/connection';
import { CopyIconButton } from './components/copy';
import { StaleGate } from './components/StaleGate';
import { StorageBanner } from './components/StorageBanner';
import { SimulationBanner } from './components/SimulationBanner';
import {
  IconActivity,
  IconApps,
  IconServer,
  IconGauge,
  IconLink,
  IconLogout,
  IconMoon,
  IconSettings,
  IconShield,
  IconSun,
  IconTicket,
  IconUsers,
  IconFlask,
} from './components/icons';

const NAV: Array<{ to: string; label: string; icon: ReactNode; end?: boolean }> = [
  { to: '/', label: 'Overview', icon: <IconGauge />, end: true },
  { to: '/apps', label: 'Apps', icon: <IconApps /> },
  { to: '/resources', label: 'Resources', icon: <IconServer /> },
  { to: '/consent', label: 'Consent preview', icon: <IconShield /> },
  { to: '/tokens', label: 'Tokens', icon: <IconTicket /> },
  { to: '/connections', label: 'Connections', icon: <IconLink /> },
  { to: '/sessions', label: 'Sessions', icon: <IconLogout /> },
  { to: '/identity', label: 'Users & workspaces', icon: <IconUsers /> },
  { to: '/activity', label: 'Activity', icon: <IconActivity /> },
  { to: '/simulation', label: 'Simulation', icon: <IconFlask /> },
  { to: '/settings', label: 'Settings', icon: <IconSettings /> },
];

const LIVE_LABELS: Record<LiveStatus, { label: string; color: string; hint: string }> = {
  connecting: { label: 'connecting', color: 'gray', hint: 'Connecting to live changes…' },
  live: { label: 'live', color: 'teal', hint: 'Screens update as things happen on the server' },
  reconnecting: { label: 'offline', color: 'orange', hint: 'The server is not answering; retrying as often as it asked' },
  refused: { label: 'token refused', color: 'red', hint: 'The server no longer takes this admin token' },
  stopped: { label: 'not live', color: 'gray', hint: 'Live changes are off; screens refresh when you come back to them' },
};

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light');
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} mode`} withArrow>
      <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} mode`}>
        {computed === 'dark' ? <IconSun /> : <IconMoon />}
      </ActionIcon>
    </Tooltip>
  );
}

function ServerBadge() {
  const { liveStatus, connection } = useAdmin();
  const status = useAdminQuery('server.status', {}, { refetchInterval: 30_000 });
  const live = LIVE_LABELS[liveStatus];
  return (
    <Group gap="xs" wrap="nowrap">
      {status.data ? (
        <Group gap={2} wrap="nowrap" visibleFrom="sm">
          <Text size="sm" c="dimmed" className="mono" aria-label="Issuer">
            {status.data.issuer}
          </Text>
          <CopyIconButton value={status.data.issuer} label="issuer" size="sm" />
        </Group>
      ) : status.error ? (
        <Badge color="red" variant="light">
          server unreachable
        </Badge>
      ) : null}
      <Tooltip label={`${live.hint} (${connection.transport === 'ipc' ? 'desktop bridge' : 'HTTP'})`} withArrow>
        <Badge color={live.color} variant="dot" size="lg" role="status" aria-live="polite">
          {live.label}
        </Badge>
      </Tooltip>
    </Group>
  );
}

/** The console's frame: header, navigation, and the current screen. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  useEffect(() => close(), [location.pathname, close]);
  const current = NAV.find((item) => (item.end ? location.pathname === item.to : location.pathname.startsWith(item.to)));
  useEffect(() => {
    document.title = current ? `${current.label} · OAuth Console` : 'OAuth Console';
  }, [current]);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        main.current?.focus();
      }}>
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <IconShield size={22} />
            <Text fw={700} size="lg">
              OAuth Console
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ServerBadge />
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <AppShell.Section grow component={ScrollArea}>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={RouterNavLink}
              to={item.to}
              end={item.end}
              label={item.label}
              leftSection={item.icon}
              active={item === current}
            />
          ))}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={main} tabIndex={-1} style={{ outline: 'none' }}>
        <StorageBanner />
        <SimulationBanner />
        <StaleGate>
          <Outlet />
        </StaleGate>
      </AppShell.Main>
    </AppShell>
  );
}
