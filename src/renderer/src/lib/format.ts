const UNITS: Array<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** `3661` → `1h 1m 1s`; only the two largest parts beyond a day (`2d 4h`). */
export function formatDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.floor(totalSeconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return (totalSeconds >= 86400 ? parts.slice(0, 2) : parts.slice(0, 3)).join(' ');
}

/** Seconds in words for settings: `300` → `5 minutes`, `86400` → `1 day`. */
export function describeSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '';
  const words: Array<[string, number]> = [
    ['year', 365 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  for (const [word, size] of words) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${word}${n === 1 ? '' : 's'}`;
    }
  }
  return formatDuration(seconds);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatDateTime(ms: number | null | undefined): string {
  return ms == null ? '—' : dateTime.format(new Date(ms));
}

export function formatTime(ms: number): string {
  return timeOnly.format(new Date(ms));
}

/** The largest unit, and the next one down when it is not zero: `3d 4h`, `5m 10s`, `2h`. */
function roughSpan(seconds: number): string {
  let rest = Math.floor(seconds);
  const parts: Array<[string, number]> = UNITS.map(([unit, size]) => {
    const n = Math.floor(rest / size);
    rest -= n * size;
    return [unit, n];
  });
  const first = parts.findIndex(([, n]) => n > 0);
  if (first < 0) return '0s';
  const [unit, n] = parts[first]!;
  const next = parts[first + 1];
  return next && next[1] > 0 ? `${n}${unit} ${next[1]}${next[0]}` : `${n}${unit}`;
}

/** `5m ago`, `in 23h 59m`, `just now`. */
export function formatRelative(ms: number, now: number): string {
  const diff = Math.round((ms - now) / 1000);
  if (Math.abs(diff) < 5) return 'just now';
  const span = roughSpan(Math.abs(diff));
  return diff > 0 ? `in ${span}` : `${span} ago`;
}

/** A long id shortened for a table cell: `oc_app_1a2b…9f0e`. */
export function shortId(id: string, keep = 6): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
