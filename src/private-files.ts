/**
 * What the engine writes is for the user it runs as: outbox mail, page events, the ledger, the
 * codec key and the dev server's history name customers and people. Its files are created 0600
 * and its directories 0700; a directory the engine owns (the data, ledger and outbox
 * directories) is also tightened when a process starts, since an older one may have left it
 * readable by everyone.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** Creates the directory 0700 (with any missing parents) or tightens it to 0700. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(dir, PRIVATE_DIR);
}

/** Tightens a file the engine wrote earlier to 0600, if it is there. */
export function tightenFile(file: string): void {
  if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
}
