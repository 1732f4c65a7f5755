import { extname } from 'node:path';
import { contentType } from 'mime-types';

/** The Content-Type to serve a file with, from its extension (mime-types); unknown files are bytes. */
export function contentTypeOf(file: string): string {
  return contentType(extname(file).toLowerCase()) || 'application/octet-stream';
}
