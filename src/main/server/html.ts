import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

/**
 * Security headers for the server-rendered pages: nothing but inline styles
 * and images may load, and the page may not be framed (clickjacking).
 * `form-action` is left out on purpose: browsers apply it to the redirect
 * chain after a form post, which ends at the app's own redirect URI.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'none'; base-uri 'none'";

export function renderPage(title: string, element: ReactElement): string {
  const body = renderToStaticMarkup(element);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title><style>body{margin:0}</style></head><body>${body}</body></html>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
