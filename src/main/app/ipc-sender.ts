import { isRendererUrl, isStartupUrl, type RendererLocation } from './renderer-location';

/** What the check reads from an IPC event: Electron's `event.senderFrame` (a WebFrameMain). */
export interface IpcSenderEvent {
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * An IPC call is trusted only when it comes from the console's own page in the top frame:
 * not a sub-frame, not the shell's start-up page, not a frame that has gone away (Electron
 * gives `null` then), and not any other origin the window might have been tricked into.
 */
export function isTrustedIpcSender(event: IpcSenderEvent, location: RendererLocation): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isRendererUrl(frame.url, location) && !isStartupUrl(frame.url);
}

/** The sender check bound to one renderer location, for the IPC registration. */
export function createIpcSenderCheck(location: RendererLocation): (event: IpcSenderEvent) => boolean {
  return (event) => isTrustedIpcSender(event, location);
}
