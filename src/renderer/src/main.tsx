import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectOverHttp, connectThroughBridge, findBridge, type AdminConnection } from './admin/connection';
import { adoptAdminToken } from './admin/token-storage';
import { ConsoleRoot } from './ConsoleRoot';

/**
 * Picks the transport once at start: the preload bridge in the desktop
 * window, else HTTP to the server that served this page, with the admin
 * token from the URL fragment (kept in sessionStorage for this tab).
 */
function initialConnection(): { connection: AdminConnection | null; connect: (token: string) => AdminConnection } {
  const connect = (token: string) => connectOverHttp(window.location.origin, token);
  const bridge = findBridge(window);
  if (bridge) return { connection: connectThroughBridge(bridge), connect };
  const token = adoptAdminToken(window.location, window.sessionStorage, (url) => window.history.replaceState(null, '', url));
  return { connection: token ? connect(token) : null, connect };
}

const { connection, connect } = initialConnection();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConsoleRoot initialConnection={connection} connect={connect} canReconnect={connection?.transport !== 'ipc'} />
  </StrictMode>,
);
