// MySQL's passwords for the recorder cluster: generated on first use into a 0600 file of the
// provider's sandbox folder and reused (MySQL keeps the root password of its first start), never
// printed. The folder goes with the clusters on delete.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addSecret } from '../../core/log.js';
import { generatePassword } from '../../core/secrets.js';
import type { KubeRun } from './run.js';

export interface MysqlPasswords {
  password: string;
  rootPassword: string;
}

export function mysqlCredentialsFile(k: Pick<KubeRun, 'workDir'>): string {
  return join(k.workDir, 'mysql-credentials.json');
}

/** The stored passwords, else new ones (written unless this is a dry run). */
export function mysqlCredentials(k: Pick<KubeRun, 'workDir' | 'dryRun'>): MysqlPasswords {
  const file = mysqlCredentialsFile(k);
  let creds: MysqlPasswords | undefined;
  if (existsSync(file)) {
    try {
      creds = JSON.parse(readFileSync(file, 'utf8')) as MysqlPasswords;
    } catch (e) {
      throw new Error(
        `${file} is not valid JSON (${(e as Error).message}); delete it together with the MySQL volume (kubectl delete namespace math) to start over`,
      );
    }
  }
  if (!creds?.password || !creds.rootPassword) {
    creds = { password: generatePassword(), rootPassword: generatePassword() };
    if (!k.dryRun) {
      mkdirSync(k.workDir, { recursive: true });
      writeFileSync(file, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
  }
  addSecret(creds.password);
  addSecret(creds.rootPassword);
  return creds;
}
