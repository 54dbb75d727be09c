/**
 * Normalisation: the detectors judge what a value *means*, not how it was spelt. An attacker hides
 * `<script>` as `%253Cscript%253E`, `&#x3c;script&gt;` or `\u003cscript`, `../` as `%c0%ae%c0%ae/`
 * or `%uff0e%uff0e/`, `UNION SELECT` as `UnIoN/**\/SeLeCt`. Each view below undoes one family of
 * tricks; detectors pick the views they need. Every loop is bounded, so a hostile value costs at
 * most a few linear passes.
 */
import { decodeHtmlEntities } from './html-entities.js';

/** Percent-decoding rounds: `%25252e` needs three; more than four is noise, not a real client. */
const maxDecodeRounds = 4;

/** Characters that render as nothing and split keywords (`un\u200Bion`); removed before matching. */
// eslint-disable-next-line no-misleading-character-class -- U+034F is listed on its own on purpose
const invisible = /[\u00AD\u034F\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;

/**
 * Look-alike quotes and separators that some databases and file APIs fold to ASCII ("best fit"
 * mappings), so `’ or ‘1’=’1` and `..%u2215` behave like their ASCII forms there.
 */
const lookalikes: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '\u02BC': "'", '\u02B9': "'",
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u2033': '"', '\u00AB': '"', '\u00BB': '"',
  '\u2215': '/', '\u2044': '/', '\u29F8': '/', '\uEFC8': '/',
  '\u2216': '\\', '\u29F5': '\\', '\u29F9': '\\', '\uF025': '\\',
};
const lookalikePattern = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u02B9\u201C\u201D\u201E\u2033\u00AB\u00BB\u2215\u2044\u29F8\uEFC8\u2216\u29F5\u29F9\uF025]/g;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * Turns decoded bytes into text. Overlong UTF-8 (`%c0%ae` for `.`) is decoded to the character it
 * spells rather than rejected, because that is what vulnerable decoders did; a `%c0` lead followed
 * by plain ASCII (`%c0%2e`) yields the ASCII byte. Stray bytes become their Latin-1 character.
 */
function bytesToText(bytes: number[]): string {
  let out = '';
  for (let index = 0; index < bytes.length; index++) {
    const lead = bytes[index]!;
    if (lead < 0x80) { out += String.fromCharCode(lead); continue; }
    const length = lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if ((lead === 0xc0 || lead === 0xc1) && index + 1 < bytes.length && bytes[index + 1]! < 0x80) {
      out += String.fromCharCode(bytes[index + 1]!);
      index += 1;
      continue;
    }
    let codePoint = length === 4 ? lead & 0x07 : length === 3 ? lead & 0x0f : lead & 0x1f;
    let valid = length > 1 && index + length <= bytes.length;
    for (let offset = 1; valid && offset < length; offset++) {
      const next = bytes[index + offset]!;
      if ((next & 0xc0) !== 0x80) valid = false;
      else codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (valid && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff)) {
      out += String.fromCodePoint(codePoint);
      index += length - 1;
    } else {
      out += String.fromCharCode(lead);
    }
  }
  return out;
}

const fourHexDigits = /^[0-9a-fA-F]{4}$/;

/** One round of percent-decoding, including IIS-style `%uXXXX`; malformed escapes stay as typed. */
export function percentDecodeOnce(value: string): string {
  if (!value.includes('%')) return value;
  let out = '';
  let bytes: number[] = [];
  for (let index = 0; index < value.length; index++) {
    const char = value.charCodeAt(index);
    if (char === 37 /* % */) {
      const high = hexValue(value.charCodeAt(index + 1));
      const low = hexValue(value.charCodeAt(index + 2));
      if (high >= 0 && low >= 0) {
        bytes.push(high * 16 + low);
        index += 2;
        continue;
      }
      if ((value.charCodeAt(index + 1) | 0x20) === 117 /* u */) {
        const digits = value.slice(index + 2, index + 6);
        if (fourHexDigits.test(digits)) {
          if (bytes.length) { out += bytesToText(bytes); bytes = []; }
          out += String.fromCharCode(Number.parseInt(digits, 16));
          index += 5;
          continue;
        }
      }
    }
    if (bytes.length) { out += bytesToText(bytes); bytes = []; }
    out += value[index];
  }
  if (bytes.length) out += bytesToText(bytes);
  return out;
}

/** Percent- and entity-decodes until the value stops changing (bounded). */
export function decodeRepeatedly(value: string): string {
  let current = value;
  for (let round = 0; round < maxDecodeRounds; round++) {
    const next = decodeHtmlEntities(percentDecodeOnce(current));
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Text that NFKC, the invisible-character filter and the look-alike table all leave unchanged:
 * ASCII and the Latin-1 letters U+00C0–U+00FF (`é`, `ü`, `ñ`), which are precomposed starters
 * that never compose with a neighbour. Everything else (`µ`, `²`, U+00A0, combining marks,
 * full-width forms) takes the full path.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const needsFolding = /[^\x00-\x7f\u00c0-\u00ff]/;

/** Controls other than tab and line breaks, and anything `needsFolding` would send to NFKC. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const unusualText = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u00bf\u0100-\uffff]/;

/** NFKC folds full-width and compatibility forms (`％２ｅ`, `＜script＞`) to ASCII. */
export function fold(value: string): string {
  // NFKC is the costliest step; most request text is already in normal form.
  if (!needsFolding.test(value)) return value;
  return value.normalize('NFKC').replace(invisible, '').replace(lookalikePattern, (char) => lookalikes[char] ?? char);
}

const backslashEscape = /\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|([0-7]{1,3})|([nrte]))/g;

/** Decodes `\xHH`, `\uHHHH`, `\u{H…}`, octal and C escapes: how JS, CSS and shells spell bytes. */
export function unescapeBackslashes(value: string): string {
  if (!value.includes('\\')) return value;
  return value.replace(backslashEscape,
    (match, hex?: string, braced?: string, unicode?: string, octal?: string, letter?: string) => {
      const code = hex ?? braced ?? unicode;
      if (code) {
        const point = Number.parseInt(code, 16);
        return point <= 0x10ffff ? String.fromCodePoint(point) : match;
      }
      if (octal) return String.fromCharCode(Number.parseInt(octal, 8) & 0xff);
      return letter === 'n' ? '\n' : letter === 'r' ? '\r' : letter === 't' ? '\t' : '\u001b';
    });
}

/**
 * The views detectors read. `decoded` is the value after repeated percent- and entity-decoding
 * and NFKC; `lower` is that, lower-cased; `unescaped` also undoes backslash escapes.
 * Views are computed on first use: most values never need the expensive ones.
 */
export class ValueViews {
  readonly raw: string;
  #plain: boolean | undefined;
  #decoded: string | undefined;
  #lower: string | undefined;
  #unescaped: string | undefined;

  constructor(raw: string) {
    this.raw = raw;
  }

  /**
   * True when the raw value holds no control character but tab and line breaks, and nothing NFKC
   * would change (see `needsFolding`). Long free text is usually plain: one scan then answers both
   * the control-character check and the folding check.
   */
  get plain(): boolean {
    this.#plain ??= !unusualText.test(this.raw);
    return this.#plain;
  }

  get decoded(): string {
    if (this.#decoded === undefined) {
      const decoded = decodeRepeatedly(this.raw);
      this.#decoded = decoded === this.raw && this.#plain === true ? decoded : fold(decoded);
    }
    return this.#decoded;
  }

  get lower(): string {
    this.#lower ??= this.decoded.toLowerCase();
    return this.#lower;
  }

  get unescaped(): string {
    // Without a backslash there is nothing more to undo: reuse the lower-cased view.
    this.#unescaped ??= this.decoded.includes('\\') ? fold(decodeRepeatedly(unescapeBackslashes(this.decoded))).toLowerCase() : this.lower;
    return this.#unescaped;
  }
}
