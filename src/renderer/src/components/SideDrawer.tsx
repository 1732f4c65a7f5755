import type { ReactNode } from 'react';
import { Drawer, Text, type DrawerProps } from '@mantine/core';

/**
 * The console's right-hand drawer. Its close button has a name ("Close"),
 * and opening it puts focus on its title (which names the drawer), not on
 * the close button, so a screen reader says what opened and Tab goes on
 * into its content.
 */
export function SideDrawer({ title, children, ...props }: Omit<DrawerProps, 'title' | 'position'> & { title: ReactNode }) {
  return (
    <Drawer
      position="right"
      closeButtonProps={{ 'aria-label': 'Close' }}
      title={
        <Text fw={700} span tabIndex={-1} data-autofocus style={{ outline: 'none' }}>
          {title}
        </Text>
      }
      {...props}
    >
      {children}
    </Drawer>
  );
}
