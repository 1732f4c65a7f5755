import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomically } from '../fs/write-json-atomically';

/** The window's last size and position, kept in the data folder. */
export const WINDOW_STATE_FILE = 'window-state.json';

const windowStateSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000).optional(),
  y: z.number().int().min(-100_000).max(100_000).optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Reads the saved state; a missing, unreadable or invalid file gives the default. */
export async function loadWindowState(dataDir: string): Promise<WindowState> {
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(await readFile(join(dataDir, WINDOW_STATE_FILE), 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

/** Writes the state through a temp file, so a crash mid-write never leaves half a file. */
export async function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  const valid = windowStateSchema.parse(state);
  await writeJsonAtomically(join(dataDir, WINDOW_STATE_FILE), valid);
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Makes a saved state fit today's displays (given as their work areas): a window whose
 * title bar is no longer on any display (a monitor was unplugged) is centred instead,
 * and a window larger than its display shrinks to fit.
 */
export function fitToDisplays(state: WindowState, workAreas: Rectangle[]): WindowState {
  if (state.x === undefined || state.y === undefined || workAreas.length === 0) {
    const { x: _x, y: _y, ...rest } = state;
    return rest;
  }
  const titleBar: Rectangle = { x: state.x, y: state.y, width: state.width, height: 40 };
  const display = workAreas.find((area) => {
    const seen = overlap(titleBar, area);
    return seen.width >= 100 && seen.height >= 20;
  });
  if (!display) {
    const { x: _x, y: _y, ...rest } = state;
    return { ...rest, width: Math.min(rest.width, workAreas[0]!.width), height: Math.min(rest.height, workAreas[0]!.height) };
  }
  return { ...state, width: Math.min(state.width, display.width), height: Math.min(state.height, display.height) };
}

/** The state to save from a window's normal (un-maximised) bounds. */
export function windowStateFrom(bounds: Rectangle, maximized: boolean): WindowState {
  return {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.max(400, Math.round(bounds.width)),
    height: Math.max(300, Math.round(bounds.height)),
    maximized,
  };
}
