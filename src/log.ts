/** The process logger: pino, JSON lines on stderr (stdout stays clean for the CLI), secrets redacted. */
import pino from 'pino';
import type { Logger } from './ports/logger.js';

export const REDACT_PATHS = [
  'secret',
  'token',
  'encryptKey',
  'appSecret',
  'app_secret',
  'authorization',
  'Authorization',
  '*.secret',
  '*.token',
  '*.appSecret',
  '*.app_secret',
  '*.encryptKey',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'config.headers.Authorization',
  'config.data',
  'err.config',
  'err.request',
  'err.response.config',
];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger & pino.Logger {
  return pino(
    {
      level,
      base: { app: 'govmedia' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    pino.destination({ dest: (destination as { fd?: number }).fd ?? 2, sync: true }),
  );
}
