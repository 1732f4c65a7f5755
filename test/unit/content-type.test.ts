import { describe, expect, it } from 'vitest';
import { contentTypeOf } from '../../src/main/fs/content-type';

describe('content types of served files', () => {
  it('comes from the extension, for a path, a file name or a bare extension', () => {
    expect(contentTypeOf('/srv/out/renderer/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('assets/App.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('font.woff2')).toBe('font/woff2');
  });

  it('serves unknown and extension-less names as bytes (never as a page)', () => {
    expect(contentTypeOf('html')).toBe('application/octet-stream');
    expect(contentTypeOf('/srv/file')).toBe('application/octet-stream');
    expect(contentTypeOf('data.unknownext')).toBe('application/octet-stream');
  });
});
