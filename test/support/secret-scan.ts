// Find things that look like secrets in text: private keys, certificates, well-known token
// formats, and long random-looking literals assigned to password-like keys.

export interface Finding {
  file: string;
  line: number;
  what: string;
}

// PEM labels and armour are assembled at run time, so no tracked file (this one included) holds
// the text a secret scanner looks for.
export const PRIVATE_KEY_LABEL = ['PRIVATE', 'KEY'].join(' ');
const CERTIFICATE_LABEL = ['CERTI', 'FICATE'].join('');

/** The first line of a PEM block with this label, e.g. pemBegin('EC ' + PRIVATE_KEY_LABEL). */
export function pemBegin(label: string): string {
  return `${'-'.repeat(5)}BEGIN ${label}${'-'.repeat(5)}`;
}

const PATTERNS: [RegExp, string][] = [
  [new RegExp(pemBegin(`[A-Z ]*${PRIVATE_KEY_LABEL}`)), 'private key'],
  [new RegExp(pemBegin(CERTIFICATE_LABEL)), 'certificate'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'Slack token'],
];

const URL_PASSWORD = /\b(?:nats|tls|wss?):\/\/[^:\s/'"`$]+:([^@\s'"`$]+)@/;
const SECRET_KEY = /(pass(word)?|secret|token|api[_-]?key)["']?\s*[:=]\s*["']([^"'\s]{16,})["']/i;

/** A literal that looks generated: long, with lower case, upper case and digits. */
function looksRandom(value: string): boolean {
  return value.length >= 16 && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value);
}

const FORBIDDEN_FILES: [RegExp, string][] = [
  [/(^|\/)\.env$/, '.env file'],
  [/(^|\/)secrets\.json$/, 'generated secrets file'],
  [/(^|\/)\.sandbox\//, 'sandbox state'],
  [/\.(key|pem|p12|pfx)$/, 'key material'],
];

export function scanFile(file: string, text: string): Finding[] {
  const out: Finding[] = [];
  for (const [re, what] of FORBIDDEN_FILES) if (re.test(file)) out.push({ file, line: 0, what });
  text.split('\n').forEach((line, i) => {
    for (const [re, what] of PATTERNS) if (re.test(line)) out.push({ file, line: i + 1, what });
    const u = URL_PASSWORD.exec(line);
    if (u && looksRandom(decodeURIComponent(u[1]!))) out.push({ file, line: i + 1, what: 'password in a NATS URL' });
    const m = SECRET_KEY.exec(line);
    if (m && looksRandom(m[3]!)) out.push({ file, line: i + 1, what: `literal ${m[1]}` });
  });
  return out;
}
