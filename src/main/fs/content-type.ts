import { basename } from 'node:path';
import { contentType } from 'mime-types';

/**
 * The Content-Type to serve a file with, from its extension (mime-types):
 * `contentTypeOf('index.html')`, `contentTypeOf('/x/app.js')`, `contentTypeOf('.css')`.
 * A name without an extension, or one mime-types does not know, is bytes.
 */
export function contentTypeOf(file: string): string {
  const name = basename(file).toLowerCase();
  return (name.includes('.') && contentType(name)) || 'application/octet-stream';
}
