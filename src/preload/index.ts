import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, createConsoleBridge } from './bridge';

// Sandboxed preload: only the admin contract's calls cross into the page, never ipcRenderer.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createConsoleBridge(ipcRenderer));
