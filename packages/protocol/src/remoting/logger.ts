/** The logging surface every rocketnest component takes; structured fields go in `fields`. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** One JSON object per line on stderr, at or above `level`. */
export function jsonLogger(name: string, level: LogLevel = 'info'): Logger {
  const write =
    (lvl: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
      if (rank[lvl] < rank[level]) return;
      const line = { time: new Date().toISOString(), level: lvl, logger: name, message, ...fields };
      process.stderr.write(`${JSON.stringify(line)}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: Logger = jsonLogger('silent', 'silent');
