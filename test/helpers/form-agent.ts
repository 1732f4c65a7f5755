/**
 * A minimal cookie-keeping HTTP agent that walks redirects by hand and reads
 * the sign-in and consent forms, so flows run through the real pages
 * without a browser.
 */
export class FormAgent {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects from `url` until a non-redirect answer or a URL outside `stopOrigin`. */
  async follow(url: string, stopOrigin: string, init: RequestInit = {}): Promise<{ url: string; res?: Response }> {
    let current = url;
    let res = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      if (res.status < 300 || res.status >= 400) return { url: current, res };
      const location = res.headers.get('location');
      if (!location) return { url: current, res };
      current = new URL(location, current).toString();
      if (new URL(current).origin !== stopOrigin) return { url: current };
      res = await this.request(current);
    }
    throw new Error('too many redirects');
  }

  async postForm(url: string, stopOrigin: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.follow(url, stopOrigin, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }
}

export function formAction(html: string): string {
  const match = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  return match[1]!.replace(/&amp;/g, '&');
}

function inputs(html: string): Array<Record<string, string>> {
  return [...html.matchAll(/<input\b([^>]*)>/g)].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}

export function hiddenValue(html: string, name: string): string {
  const input = inputs(html).find((i) => i.name === name);
  if (!input) throw new Error(`no field ${name} in page`);
  return input.value ?? '';
}

/** Values of a radio group, the checked one first. */
export function radioValues(html: string, name: string): string[] {
  const radios = inputs(html).filter((i) => i.type === 'radio' && i.name === name);
  return [...radios.filter((r) => 'checked' in r), ...radios.filter((r) => !('checked' in r))].map((r) => r.value!);
}
