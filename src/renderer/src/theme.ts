import { Badge, createTheme, localStorageColorSchemeManager, Table } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 7 in light mode: white on indigo-6 is 4.3:1, under WCAG AA for body text (axe checks it in the e2e test).
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  headings: { fontWeight: '650' },
  cursorType: 'pointer',
  focusRing: 'auto',
  components: {
    // Lowercase badges read as the values they are (`confidential`, `auto-approve`) and stay narrow.
    Badge: Badge.extend({ defaultProps: { tt: 'none' }, styles: { root: { flex: 'none', maxWidth: 'none' }, label: { overflow: 'visible' } } }),
    Table: Table.extend({ styles: { td: { verticalAlign: 'middle' } } }),
  },
});

export const colorSchemeManager = localStorageColorSchemeManager({ key: 'oauth-console.color-scheme' });
