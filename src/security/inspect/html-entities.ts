/**
 * HTML character references, decoded the way a browser's attribute parser does: numeric
 * references with or without the closing `;` and with any number of leading zeros, the named
 * references XSS payloads use to hide punctuation (`&colon;`, `&lpar;`, `&Tab;`), and the legacy
 * names browsers accept without `;`. A full table (2,000+ names) adds nothing for detection: a
 * name outside this list decodes to a letter, and letters are not what filters look for.
 */
const named: Record<string, string> = {
  lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ', colon: ':', semi: ';', comma: ',',
  period: '.', lpar: '(', rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lbrace: '{',
  rbrace: '}', lcub: '{', rcub: '}', sol: '/', bsol: '\\', num: '#', equals: '=', excl: '!',
  quest: '?', grave: '`', plus: '+', dollar: '$', percnt: '%', ast: '*', lowbar: '_', vert: '|',
  verbar: '|', hat: '^', tab: '\t', newline: '\n', dot: '.', hyphen: '-', dash: '-', commat: '@',
};

/** Names a browser decodes even without the trailing semicolon (the HTML legacy set we care about). */
const legacy = new Set(['lt', 'gt', 'amp', 'quot', 'nbsp']);

const reference = /&(?:#[xX]([0-9a-fA-F]{1,8});?|#([0-9]{1,10});?|([a-zA-Z]{2,8})(;?))/g;

function fromCodePoint(point: number, match: string): string {
  if (!Number.isFinite(point) || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return match;
  return point === 0 ? '\uFFFD' : String.fromCodePoint(point);
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * True when some `&` in the value starts a reference `decodeHtmlEntities` would decode. Query
 * strings and prose (`?tab=1&page=2`, `R&D`) carry `&` far more often than references, and this
 * scan costs no allocation where the regular expression replacement would copy the string. Names
 * are read as the pattern reads them: up to eight letters, then an optional `;`.
 */
function hasReference(value: string, first: number): boolean {
  for (let index = first; index >= 0; index = value.indexOf('&', index + 1)) {
    if (value.charCodeAt(index + 1) === 35 /* # */) return true;
    let end = index + 1;
    while (end - index - 1 < 8 && isAsciiLetter(value.charCodeAt(end))) end++;
    if (end - index - 1 < 2) continue;
    const key = value.slice(index + 1, end).toLowerCase();
    if (named[key] !== undefined && (value.charCodeAt(end) === 59 /* ; */ || legacy.has(key))) return true;
  }
  return false;
}

/** Decodes one layer of character references; everything else is left as typed. */
export function decodeHtmlEntities(value: string): string {
  const first = value.indexOf('&');
  if (first < 0 || !hasReference(value, first)) return value;
  return replaceReferences(value);
}

/** The decoding itself, by the pattern alone (exported so tests can hold the screen above to it). */
export function replaceReferences(value: string): string {
  return value.replace(reference, (match, hex?: string, decimal?: string, name?: string, semicolon?: string) => {
    if (hex) return fromCodePoint(Number.parseInt(hex, 16), match);
    if (decimal) return fromCodePoint(Number.parseInt(decimal, 10), match);
    const key = name!.toLowerCase();
    const char = named[key];
    if (char === undefined) return match;
    if (!semicolon && !legacy.has(key)) return match;
    return char;
  });
}
