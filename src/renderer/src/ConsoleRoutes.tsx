import { Route, Routes } from 'react-router';
import { Layout } from './Layout';
import { ActivityScreen } from './screens/activity/ActivityScreen';
import { AppCreateScreen } from './screens/apps/AppCreateScreen';
import { AppDetailScreen } from './screens/apps/AppDetailScreen';
import { AppsScreen } from './screens/apps/AppsScreen';
import { ConnectionsScreen } from './screens/connections/ConnectionsScreen';
import { ConsentPreviewScreen } from './screens/consent/ConsentPreviewScreen';
import { IdentityScreen } from './screens/identity/IdentityScreen';
import { NotFoundScreen } from './screens/NotFoundScreen';
import { OverviewScreen } from './screens/overview/OverviewScreen';
import { ResourcesScreen } from './screens/resources/ResourcesScreen';
import { SimulationScreen } from './screens/simulation/SimulationScreen';
import { SessionsScreen } from './screens/sessions/SessionsScreen';
import { SettingsScreen } from './screens/settings/SettingsScreen';
import { TokensScreen } from './screens/tokens/TokensScreen';

/** Every screen of the console, under one layout. */
export function ConsoleRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<OverviewScreen />} />
        <Route path="apps" element={<AppsScreen />} />
        <Route path="apps/new" element={<AppCreateScreen />} />
        <Route path="apps/:appId" element={<AppDetailScreen />} />
        <Route path="resources" element={<ResourcesScreen />} />
        <Route path="simulation" element={<SimulationScreen />} />
        <Route path="consent" element={<ConsentPreviewScreen />} />
        <Route path="tokens" element={<TokensScreen />} />
        <Route path="connections" element={<ConnectionsScreen />} />
        <Route path="sessions" element={<SessionsScreen />} />
        <Route path="identity" element={<IdentityScreen />} />
        <Route path="activity" element={<ActivityScreen />} />
        <Route path="settings" element={<SettingsScreen />} />
        <Route path="*" element={<NotFoundScreen />} />
      </Route>
    </Routes>
  );
}
