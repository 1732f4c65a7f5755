import { runDesktopApp } from './app/electron-shell';

runDesktopApp();
