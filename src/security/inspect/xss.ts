/**
 * Cross-site scripting. Rules run on the decoded, backslash-unescaped, lower-cased view and look
 * at markup structure: tags that execute or load content, `on…=` handlers inside a tag or after
 * an attribute breakout, script-capable URL schemes, CSS expressions, JS sinks reached by
 * breaking out of a string. A tag alone is not enough: "Fix XSS in <Comment> component" and
 * "I <3 it" are titles, not attacks.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';
import { eventHandlerNames } from './event-handlers.js';

const executingTags = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'meta', 'link', 'style',
  'xml', 'import', 'vmlframe', 'isindex', 'bgsound', 'layer', 'ilayer', 'portal', 'xss', 'handler', 'listener',
]);
/**
 * Elements that are inert in prose but exist in payloads to change how the rest is parsed or to
 * reach script: SVG/MathML/XSLT containers, resource-loading SVG parts, raw-text parser switches
 * and whole-document structure. Refused from paranoia 2.
 */
const containerTags = new Set([
  'svg', 'math', 'xsl', 'stylesheet', 'feimage', 'image', 'use', 'animate', 'set', 'animation', 'foreignobject',
  'xmp', 'plaintext', 'noembed', 'noframes', 'listing', 'html', 'head', 'body',
]);
/** Form controls carrying attributes: injected forms harvest credentials (HTML injection). */
const formTags = new Set(['form', 'input', 'button', 'textarea', 'select', 'option', 'keygen']);
const tag = /<[%!?/\s]*([a-z][\w:.-]*)([^>]*)(?:>|$)/g;
const handlerAttribute = /(?:^|[\s/"'`;,:\]])on[a-z]{3,}[^\s=>a-z0-9]*\s*=/;
const dangerousAttribute = /\b(?:srcdoc|formaction|datasrc|dataformatas|datafld|xmlns(?::[\w-]+)?|attributename\s*=\s*["']?(?:xlink:href|href|on[a-z]+|innerhtml|style))\s*=?/;
const scriptScheme = /(?:java|vb|live|ecma)script:\s*\S|mocha:\s*\S|(?:^|[\s"'=(])javascript:/;
const dataScheme = /data:\s*(?:text\/(?:html|xml|javascript)|image\/svg|application\/(?:x-)?(?:javascript|xhtml|ecmascript))|data:[\w/+.-]*(?:;[\w=-]+)*;base64,/;
const cssExpression = /expression\s*\(|-moz-binding|behavior\s*:\s*url|@import|url\s*\(\s*['"]?\s*(?:javascript|vbscript|livescript|data):/;
/** CSS that loads or hides: `url(` in a rule or style, escapes and comments inside a style value. */
const cssLoading = /\{[^}]*:[^}]*url\s*\(|@(?:font-face|namespace|charset)\b/;
const styleObfuscation = /<[^>]*\bstyle\s*=[^>]*?(?:url\s*\(|\\[0-9a-f]|\/\*)/;
/** Closers for every context at once (`"'\`-->]]>`): a polyglot's way out of wherever it lands. */
const contextCloser = /-->\s{0,8}\]\]>|["'`]{2}\s{0,8}-->/;
const obfuscatedLink = /\bhref\s*=\s*["']?\s*https?:\/\/[^"'\s>/]*%[0-9a-f]{2}/;
const sinks = String.raw`(?:alert|confirm|prompt|eval|settimeout|setinterval|execscript|msgbox|atob|fromcharcode|document\.(?:write|cookie|location|domain)|window\.(?:location|open)|top\[|self\[|parent\[)\s*[(\x60[]`;
/** A sink reached after closing a string or statement: `';alert(1)//`, `'-alert(1)-'`, `x.alert(1)`. */
const sinkAfterBreakout = new RegExp(String.raw`(?:['"\x60;)}\]>.]|\*/)[\s\-+*/|&^~!,;(]{0,8}` + sinks);
/** A query value that is itself a script call (`eval(a+b)`), as reflected into a script block. */
const sinkAtStart = new RegExp(String.raw`^\s*` + sinks);
const sinkStatement = new RegExp(String.raw`^\s*` + sinks + String.raw`[^()]*\)\s*;?\s*$`);
const locationAssignment = /\b(?:document\.|window\.|top\.|self\.)?location(?:\.href)?\s*=\s*["'`]/;
const attributeBreakout = /["'`][\w\s/-]{0,40}?[\s/"'`]on[a-z]{3,}\s{0,8}=/;
const declaration = /<!\[|<!entity|<!attlist|<!element|<!doctype|<\?\s*[a-z=]|<%(?:[\s=@]|$)|<!--|\+ad[w4]-|xmlns(?::[\w-]+)?\s*=/;
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const invisibleControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const urlWhitespace = /[\t\n\r]/g;
const base64Run = /[a-z0-9+/]{24,}={0,2}/gi;

const base64Markup = /<\s*(?:script|svg|iframe|img|object)|javascript:|on[a-z]+\s*=/;
const cssComment = /\/\*[\s\S]*?(?:\*\/|$)/g;
const scriptUrlAttribute = /(?:java|vb|live)script:|data:|mocha:/;
const styleAttribute = /\bstyle\s*=/;
const strictMarkupStart = /<[!?%/]/;
const onlyAngles = /^[<>]+$/;
const handlerAssignment = /\bon([a-z]{3,})\s*=/g;
const templateBraces = /&\{[^}]*\}/;
const charsetSmuggling = /\u00bc\s*\/?\s*[a-z]+[^\u00be]*\u00be/i;
/**
 * Words at least one of which every CSS rule below needs (read after CSS comments are removed,
 * which is why a value holding `/*` always takes the full path).
 */
const cssWords = /expression|-moz-binding|behavior|@import|url/;
/** Every sink in `sinks` starts with one of these. */
const sinkWords = /alert|confirm|prompt|eval|settimeout|setinterval|execscript|msgbox|atob|fromcharcode|document\.|window\.|top\[|self\[|parent\[/;

function isBase64Character(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 0x20) >= 97 && (code | 0x20) <= 122) || code === 43 || code === 47;
}

/** True when `base64Run` has something to match: 24 base64 characters in a row. One pass, no allocation. */
function hasBase64Run(raw: string): boolean {
  let run = 0;
  for (let index = 0; index < raw.length; index++) {
    if (!isBase64Character(raw.charCodeAt(index))) run = 0;
    else if (++run >= 24) return true;
  }
  return false;
}

/** Base64 blobs (data: URIs, split payloads) are decoded once and looked at again. */
function base64Payload(raw: string): boolean {
  for (const match of raw.matchAll(base64Run)) {
    const decoded = Buffer.from(match[0], 'base64').toString('latin1').toLowerCase();
    if (base64Markup.test(decoded)) return true;
  }
  return false;
}

function stripCssComments(value: string): string {
  return value.includes('/*') ? value.replace(cssComment, '') : value;
}

function mayHoldCss(value: string): boolean {
  return value.includes('/*') || cssWords.test(value);
}

function tagRule(text: string, strict: boolean, paranoia: number): string | undefined {
  tag.lastIndex = 0;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    const name = match[1]!.replace(/[:.-].*$/, '');
    const attributes = match[2] ?? '';
    if (executingTags.has(name)) return name === 'script' ? 'xss.script-tag' : 'xss.executing-tag';
    if (handlerAttribute.test(attributes)) return 'xss.event-handler';
    if (scriptUrlAttribute.test(attributes)) return 'xss.script-url';
    if (styleAttribute.test(attributes) && cssExpression.test(stripCssComments(attributes))) return 'xss.css-expression';
    if (paranoia < 2) continue;
    if (dangerousAttribute.test(attributes)) return 'xss.dangerous-attribute';
    if (containerTags.has(name) || match[1]!.startsWith('xsl:')) return 'xss.container-tag';
    if (formTags.has(name) && attributes.includes('=')) return 'xss.form-injection';
    if (strict) return 'xss.markup';
  }
  return undefined;
}

/** Which of the characters the rules below depend on a value holds, found in one pass. */
const has = {
  control: 1, lineBreak: 2, lessThan: 4, colon: 8, openParen: 16, equals: 32, backtick: 64, openBracket: 128,
  openBrace: 256, at: 512, plus: 1024, greaterThan: 2048, hyphen: 4096, ampersand: 8192, semicolon: 16384,
  quote: 32768, backslash: 65536, oneQuarter: 131072,
  /** Set when 24 base64 characters (`[A-Za-z0-9+/]`) stand in a row: what `base64Run` needs. */
  base64Run: 262144,
} as const;
/** `[<>:=(\`&+;'"\\{\u00bc]`: without one of these no rule below can match (a value that is only a handler name aside). */
const xssBits = has.lessThan | has.greaterThan | has.colon | has.equals | has.openParen | has.backtick | has.ampersand | has.plus
  | has.semicolon | has.quote | has.backslash | has.openBrace | has.oneQuarter;
const base64Character = 1 << 30;

/** ASCII code → its `has` bits; one table lookup per character instead of a chain of tests. */
const maskTable = new Uint32Array(128);
for (let code = 0; code < 32; code++) maskTable[code] = code === 9 || code === 10 || code === 13 ? has.lineBreak : has.control;
maskTable[127] = has.control;
for (const [char, bit] of [['<', has.lessThan], [':', has.colon], ['(', has.openParen], ['=', has.equals], ['`', has.backtick], ['[', has.openBracket],
  ['{', has.openBrace], ['@', has.at], ['+', has.plus], ['>', has.greaterThan], ['-', has.hyphen], ['&', has.ampersand], [';', has.semicolon],
  ["'", has.quote], ['"', has.quote], ['\\', has.backslash]] as const) maskTable[char.charCodeAt(0)] = bit;
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') maskTable[char.charCodeAt(0)]! |= base64Character;

function characterMask(text: string): number {
  let mask = 0;
  let run = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const bits = code < 128 ? maskTable[code]! : code === 0xbc ? has.oneQuarter : 0;
    mask |= bits;
    if ((bits & base64Character) === 0) run = 0;
    else if (++run >= 24) mask |= has.base64Run;
  }
  return mask;
}

export const detectXss: Detector = (views: ValueViews, { kind, paranoia }) => {
  const lower = views.lower;
  // Without a backslash the unescaped view is the lower-cased one, and its mask answers the
  // first screen; with one, the screen passes anyway (`\\` is among its characters).
  const unescaped = views.unescaped;
  const mask = characterMask(unescaped);
  if (unescaped === lower && (mask & xssBits) === 0 && !eventHandlerNames.has(lower.trim())) return undefined;
  // Removing controls and line breaks joins neighbours but adds no character: the mask holds for
  // `text` and `compact` too. Each rule below runs only when the text holds the characters (or,
  // behind them, the words) it cannot match without.
  const text = mask & has.control ? unescaped.replace(invisibleControls, '') : unescaped;
  const compact = mask & has.lineBreak ? text.replace(urlWhitespace, '') : text;
  if (mask & has.lessThan) {
    const strictMarkup = paranoia >= 3 || kind === 'name' || kind === 'identifier';
    const found = tagRule(text, strictMarkup, paranoia) ?? (compact !== text ? tagRule(compact, strictMarkup, paranoia) : undefined);
    if (found) return found;
    if (strictMarkup && strictMarkupStart.test(text)) return 'xss.markup';
    // Read as typed: the decoded views have already undone the escapes these rules look for.
    const typed = views.raw.toLowerCase();
    if (paranoia >= 2 && typed.includes('style') && styleObfuscation.test(typed)) return 'xss.css-expression';
    if (paranoia >= 2 && typed.includes('href') && obfuscatedLink.test(typed)) return 'xss.obfuscated-url';
  }
  const hasColon = (mask & has.colon) !== 0;
  if (hasColon && (compact.includes('script:') || compact.includes('mocha:') || compact.includes('data:')) && (scriptScheme.test(compact) || dataScheme.test(compact))) return 'xss.script-url';
  if ((hasColon || mask & has.openParen) && mayHoldCss(compact) && cssExpression.test(stripCssComments(compact))) return 'xss.css-expression';
  if (paranoia < 2) return undefined;
  const hasEquals = (mask & has.equals) !== 0;
  if ((mask & has.lessThan || (mask & has.plus && text.includes('+ad')) || (hasEquals && text.includes('xmlns'))) && declaration.test(text)) return 'xss.markup-declaration';
  if (mask & has.greaterThan && mask & has.hyphen && text.includes('-->') && contextCloser.test(text)) return 'xss.context-closer';
  const hasOn = hasEquals && text.includes('on');
  if (hasOn && attributeBreakout.test(text)) return 'xss.event-handler';
  const trimmed = text.trim();
  if (eventHandlerNames.has(trimmed)) return 'xss.event-handler-probe';
  // A bare `<` or `>` (however it was encoded) is how scanners test whether markup passes through.
  if (onlyAngles.test(trimmed)) return 'xss.markup-probe';
  if (hasOn) {
    for (const match of text.matchAll(handlerAssignment)) {
      if (eventHandlerNames.has(`on${match[1]}`)) return 'xss.event-handler';
    }
  }
  if (mask & (has.openParen | has.backtick | has.openBracket) && sinkWords.test(text)) {
    if (sinkAfterBreakout.test(text)) return 'xss.script-sink';
    // A value that starts with a sink call: always suspect in a query or a name; in a title only
    // when the whole title is the call ("eval() is slow" is a fair title; "alert(2)" is not).
    if ((kind !== 'title' && sinkAtStart.test(text)) || (kind === 'title' && sinkStatement.test(text))) return 'xss.script-sink';
  }
  if (mask & (has.openBrace | has.at)) {
    if (templateBraces.test(text)) return 'xss.script-sink';
    if (cssLoading.test(text)) return 'xss.css-expression';
  }
  if (hasEquals && text.includes('location') && locationAssignment.test(text)) return 'xss.script-sink';
  // US-ASCII smuggling: `\u00bc`/`\u00be` become `<`/`>` when the top bit is dropped.
  if (views.raw.includes('\u00bc') && charsetSmuggling.test(views.raw)) return 'xss.charset-smuggling';
  // Lower-casing keeps every base64 run of the raw value: the mask proves there is none when the
  // views decoded nothing.
  const mayHoldBase64 = unescaped === lower && views.decoded === views.raw ? (mask & has.base64Run) !== 0 : hasBase64Run(views.raw);
  if (views.raw.length >= 24 && mayHoldBase64 && base64Payload(views.raw)) return 'xss.base64-payload';
  return undefined;
};
