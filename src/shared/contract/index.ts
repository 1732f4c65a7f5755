/**
 * The admin service contract: procedure names, input and output schemas,
 * errors, the typed client and the HTTP transport. Pure: runs in the
 * renderer, the preload and the main process alike.
 */
export * from './activity';
export * from './apps';
export * from './client';
export * from './common';
export * from './errors';
export * from './http-transport';
export * from './identity';
export * from './minting';
export * from './procedures';
export * from './resources';
export * from './server';
export * from './sessions';
export * from './token-verification';
export * from './tokens';
export * from './webhooks';
export * from './config';
export * from './simulation';
