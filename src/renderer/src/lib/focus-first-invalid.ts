const FOCUSABLE = 'input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The element to focus for a field: the input itself, or the first control inside a group (radio, checkbox, list). */
function focusTarget(node: HTMLElement): HTMLElement | null {
  if (node.matches(FOCUSABLE)) return node;
  return node.querySelector<HTMLElement>(FOCUSABLE);
}

/**
 * Focuses the first field (in the page's order) that has an error and
 * scrolls it to the middle of the window, so the person sees what to fix.
 * Fields are found by the `data-path` attribute @mantine/form's
 * `getInputProps` sets (lists and groups set it on their wrapper). Returns
 * false when none of the errors has a field inside `root`.
 */
export function focusFirstInvalid(root: HTMLElement | null, paths: string[]): boolean {
  if (!root) return false;
  const wanted = new Set(paths);
  // querySelectorAll answers in document order: the first match is the first field on the page.
  const nodes = [...root.querySelectorAll<HTMLElement>('[data-path]')].filter((node) => wanted.has(node.dataset.path ?? ''));
  for (const node of nodes) {
    const target = focusTarget(node);
    if (!target) continue;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'center' });
    return true;
  }
  return false;
}
