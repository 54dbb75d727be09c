/**
 * Path traversal. Works on decoded path segments: after percent-decoding (any depth), overlong
 * UTF-8 (`%c0%ae`), IIS `%u` escapes, full-width and look-alike separators, and `0x2e`-style hex
 * literals, a segment made only of two or more dots climbs out of its folder. How strict that is
 * depends on the kind: a `path` is workspace-relative, so any climb or absolute path is refused;
 * a `url` is checked in its path and in each query parameter; a free `query` value only when it
 * climbs repeatedly or names a system file.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';
import { decodeRepeatedly, fold } from './normalise.js';

/** Files whose only use in a request is to be stolen. */
const sensitiveFile = /(?:^|[/\\])(?:etc[/\\](?:passwd|shadow|hosts|group|sudoers|issue)|proc[/\\]self[/\\]|(?:boot|win|system)\.ini\b|windows[/\\](?:system32|win\.ini|repair)|winnt[/\\]|\.htaccess\b|\.htpasswd\b|web\.config\b|global\.asa\b|id_rsa\b|\.ssh[/\\]|\.aws[/\\]credentials|repair[/\\](?:sam|system)\b|localstart\.asp\b)/i;
const dotSegment = /(?:^|[^\w.])\.{2,}(?=[^\w.]|$)/;
const dotSegments = /(?:^|[^\w.])\.{2,}[^\w.]+\.{2,}(?=[^\w.]|$)/;
const absolutePath = /^(?:[/\\~]|[a-z]:[/\\]|[a-z]:$|file:)/i;
const driveOrFile = /^(?:[a-z]:[/\\]|file:|\\\\)/i;
const doubledSeparator = /[/\\]{2}/;
const separatorRun = /[/\\]{2,}/g;
const hexLiteral = /0x(2e|2f|5c)/gi;
const origin = /^[a-z][a-z0-9+.-]*:(?:\/\/|\\\\)[^/?#\\]*/i;
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const traversalCharacters = /[./\\%\u0000]|0x/i;

/** `0x2e0x2e0x2f` spells `../` in hex literals that some path filters decode. */
function decodeHexLiterals(value: string): string {
  return value.includes('0x') || value.includes('0X') ? value.replace(hexLiteral, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : value;
}

type Mode = 'path' | 'parameter' | 'query';

/**
 * Filters that delete `\/` or `/\` pairs turn `./\/./` into `../`; a path climbs if it climbs
 * with or without its doubled separators.
 */
function climbs(value: string): boolean {
  // Both readings need a dot: most path segments and parameters stop here.
  if (!value.includes('.')) return false;
  return dotSegment.test(value) || (doubledSeparator.test(value) && dotSegment.test(value.replace(separatorRun, '')));
}

function judge(text: string, mode: Mode, paranoia: number): string | undefined {
  const value = decodeHexLiterals(text);
  if (sensitiveFile.test(value)) return 'traversal.sensitive-file';
  if (value.includes('\u0000')) return 'traversal.null-byte';
  if (mode === 'path') {
    if (climbs(value)) return 'traversal.dot-segment';
    if (paranoia >= 2 && absolutePath.test(value.trim())) return 'traversal.absolute-path';
    return undefined;
  }
  if (mode === 'parameter') {
    if (paranoia >= 2 && (climbs(value) || driveOrFile.test(value.trim()))) return 'traversal.dot-segment';
    return undefined;
  }
  if (paranoia >= 2 && value.includes('..') && dotSegments.test(value)) return 'traversal.dot-segment';
  if (paranoia >= 3 && dotSegment.test(value)) return 'traversal.dot-segment';
  return undefined;
}

/**
 * Splits a URL as typed, before any URL parser resolves `/../` away: the path, then every name
 * and value of the query (split at `&`, `;`, `#` and `=`, `+` read as a space).
 */
function urlParts(raw: string): { path: string; parameters: string[] } {
  const originMatch = origin.exec(raw);
  const start = originMatch ? originMatch[0].length : 0;
  let queryStart = start;
  while (queryStart < raw.length && raw[queryStart] !== '?' && raw[queryStart] !== '#') queryStart++;
  const path = raw.slice(start, queryStart);
  const parameters: string[] = [];
  let partStart = queryStart + 1;
  for (let index = partStart; index <= raw.length; index++) {
    const char = raw[index];
    if (index < raw.length && char !== '&' && char !== ';' && char !== '#' && char !== '=') continue;
    if (index > partStart) {
      const part = raw.slice(partStart, index);
      parameters.push(part.includes('+') ? part.replaceAll('+', ' ') : part);
    }
    partStart = index + 1;
  }
  return { path, parameters };
}

export const detectPathTraversal: Detector = (views: ValueViews, { kind, paranoia }) => {
  if (kind === 'url') {
    const { path, parameters } = urlParts(views.raw);
    const decodedPath = fold(decodeRepeatedly(path));
    const fromPath = judge(decodedPath, 'path', 1);
    if (fromPath) return fromPath;
    for (const parameter of parameters) {
      const found = judge(fold(decodeRepeatedly(parameter)), 'parameter', paranoia);
      if (found) return found;
    }
    return undefined;
  }
  const decoded = views.decoded;
  if (!traversalCharacters.test(decoded)) return undefined;
  return judge(decoded, kind === 'path' || kind === 'identifier' ? 'path' : 'query', paranoia);
};
