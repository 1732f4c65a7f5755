/** The window calls the second launch needs. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * A second launch of the app ends at once (it could not hold the single-instance lock);
 * the first instance gets its `second-instance` event and brings its window forward,
 * or opens a new one if it had none (macOS keeps running without windows).
 */
export function focusFirstInstance(window: FocusableWindow | null, openWindow: () => void): void {
  if (!window || window.isDestroyed()) {
    openWindow();
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/** Holds the lock or quits: returns false when another instance runs (this one must stop). */
export function claimSingleInstance(app: { requestSingleInstanceLock(): boolean; quit(): void }): boolean {
  if (app.requestSingleInstanceLock()) return true;
  app.quit();
  return false;
}
