/* eslint-disable no-control-regex -- the escape character (ESC) starts terminal-injection payloads; matching it is the point */
/**
 * OS command (and server-side code) injection. A shell metacharacter is harmless on its own —
 * "rock & roll", "José & Maria's team", "5685587||ORDER=" — so the rules ask what follows it: a
 * separator (`;`, `|`, `&`, `&&`, `||`, newline), a substitution (`` ` ``, `$(`) or the start of
 * the value, then a token naming a command (by basename, so `/usr/bin/id` is `id`) with arguments
 * shaped like a shell's. Also code-execution shapes: `${…}`, `{{…}}`, `<?php`, shellshock, SSI.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';

/** Commands an attacker runs first; none is an everyday English word. */
const distinctive = new Set(`
whoami uname ifconfig ipconfig netstat systeminfo sysinfo nslookup wget curl ncat netcat nc bash zsh ksh
csh tcsh dash sh powershell pwsh cmd cmd.exe certutil bitsadmin tasklist taskkill netsh wmic chmod chown
useradd usermod sudo telnet tftp socat mkfifo xxd hexdump printenv ps pwd ls id gcc python python3 perl
ruby php node lua awk gawk sed grep egrep tee nohup crontab systemctl rm cp mv cat tac nl od wc env dir
ping sleep echo uname hostname getent reg phpinfo xterm ssh scp rsync base64 openssl busybox chattr
`.split(/\s+/).filter(Boolean));

/** Commands that are also words ("type", "net", "find"): they count only with shell-shaped arguments. */
const wordlike = new Set(['type', 'net', 'find', 'more', 'head', 'tail', 'kill', 'touch', 'which', 'whereis', 'route', 'set', 'call', 'start', 'ver', 'vol']);

/** Commands that are no word of any language: at the start of a value, with any arguments, they count. */
const neverWords = new Set(`
whoami uname ifconfig ipconfig netstat systeminfo sysinfo nslookup wget netcat ncat netsh certutil bitsadmin
tasklist taskkill wmic chmod chown useradd usermod sudo socat mkfifo xxd hexdump printenv powershell pwsh
phpinfo crontab systemctl nohup busybox
`.split(/\s+/).filter(Boolean));

/** Commands a scanner sends alone: a value that is only one of these is an attempt, not a search. */
const aloneAtStart = new Set(['whoami', 'uname', 'ifconfig', 'ipconfig', 'netstat', 'systeminfo', 'sysinfo', 'pwd', 'ls', 'dir', 'phpinfo', 'hostname', 'tasklist']);

/** Where a new command can start: separators, substitutions, a terminal escape, a closed quote, the start. */
const separator = /(?:\|\||&&|\u001b(?:\[[0-9;]*)?|[;|&\n\r`]|\$\(|['"](?=\s)|^)\s*(?:[({]\s*)*/g;
const shellArgument = /^(?:$|[-/\\$~"'<>|;&`()]|[a-z]:\\|%[a-z]+%|\d+(?:\.\d+){0,3}\s*(?:$|[;&|`])|https?:|\*)/i;
const codeExecution = /\b(?:system|exec|passthru|shell_exec|popen|proc_open|pcntl_exec|eval|assert|phpinfo|phpversion)\s*\(\s*(?:['"$)]|[a-z_]+\s*\()/i;
const templateExpression = /\{\{[\s\S]*?\}\}|\$\{[^}]*[(@][^}]*\}|\{%[-\s]*(?:for|if|import|include|set)\b/i;
const otherCode = /\(\)\s*\{\s*:?\s*;?\s*\}\s*;|<\?(?:php|=)|<!--\s*#\s*(?:exec|include|echo|config)\b|\$_(?:get|post|request|cookie|server|files|env)\s*\[/i;

/** Every name `commandAfter` can accept; a token naming none of them (and no binary path) is not a command. */
const candidates: ReadonlySet<string> = new Set([...distinctive, ...wordlike, ...neverWords, ...aloneAtStart, 'net', 'reg', 'sc']);
const binaryPathPattern = /^(?:\/(?:usr\/)?s?bin\/|\/?usr\/bin\/)/i;
const startsWithSeparator = /^\s*[;|&`\n\r\u001b$]/;
const couldInject = /[;|&`$\n\r\u001b<({/\\'"]|^\s*[a-z]/;
const letterOrDigit = /[\p{L}\p{N}]/u;
const separatorCharacter = /[;|&]/;
const strictMetacharacter = /[;|`]|\$\(|&&/;
const paranoiaOneCommand = /(?:[;|&`]|\$\()\s*(?:\/(?:usr\/)?bin\/)?(?:whoami|uname|ifconfig|ipconfig|netstat|wget|curl|nc|ncat|bash|sh|id|cat\s+\/etc)\b/i;

/** `[\w./\\:-]`: the characters of a command token (a name or a path to one). */
function isTokenCharacter(code: number): boolean {
  return (code >= 48 && code <= 58) || ((code | 0x20) >= 97 && (code | 0x20) <= 122) || code === 95 || code === 46 || code === 47 || code === 92 || code === 45;
}

/** `\s` as JavaScript reads it (ECMA-262 WhiteSpace and LineTerminator). */
function isWhitespace(code: number): boolean {
  return (code >= 9 && code <= 13) || code === 32 || code === 160 || code === 5760 || (code >= 8192 && code <= 8202)
    || code === 8232 || code === 8233 || code === 8239 || code === 8287 || code === 12288 || code === 65279;
}

function commandName(token: string): string {
  const base = token.replace(/^["']+|["';|&)]+$/g, '').split(/[/\\]/).pop() ?? '';
  return base.toLowerCase();
}

/** Windows tools that take a verb: `net user …`, `reg add …`, `sc query …`. */
function subcommand(name: string, argument: string): boolean {
  if (name === 'net') return /^(?:user|localgroup|group|view|share|use|start|stop|session|accounts)\b/i.test(argument);
  if (name === 'reg') return /^(?:add|query|delete|export|save|import|load)\s/i.test(argument);
  if (name === 'sc') return /^(?:query|create|config|start|stop|delete)\s/i.test(argument);
  return false;
}

/**
 * Reads `token gap argument` at `offset` (the token made of `[\w./\\:-]`, the gap of whitespace)
 * and asks whether it is a command. The token is read by hand and judged by name before anything
 * is copied: nearly every token is an ordinary word that no rule below could accept.
 */
function commandAfter(text: string, offset: number, atStart: boolean): boolean {
  let tokenEnd = offset;
  let lastSeparator = offset - 1;
  while (tokenEnd < text.length) {
    const code = text.charCodeAt(tokenEnd);
    if (!isTokenCharacter(code)) break;
    if (code === 47 || code === 92) lastSeparator = tokenEnd;
    tokenEnd++;
  }
  if (tokenEnd === offset) return false;
  // The basename, lower-cased: what commandName() makes of a token (it holds no quotes to strip).
  const name = text.slice(lastSeparator + 1, tokenEnd).toLowerCase();
  const binaryPath = binaryPathPattern.test(text.slice(offset, Math.min(tokenEnd, offset + 10)));
  if (!(binaryPath && name) && !candidates.has(name)) return false;
  let gapEnd = tokenEnd;
  while (gapEnd < text.length && isWhitespace(text.charCodeAt(gapEnd))) gapEnd++;
  const gap = text.slice(tokenEnd, gapEnd);
  const argument = text.slice(gapEnd);
  const shellShaped = shellArgument.test(argument) || (gap === '' && argument === '');
  if (binaryPath && name) return true;
  if (atStart) {
    if (aloneAtStart.has(name) && argument.trim() === '') return true;
    if ((name === 'which' || name === 'whereis') && distinctive.has(commandName(argument.trim()))) return true;
    if (subcommand(name, argument)) return true;
    if (neverWords.has(name)) return true;
    return (distinctive.has(name) || wordlike.has(name)) && argument.trim() !== '' && shellShaped;
  }
  if (distinctive.has(name)) return shellShaped || /^[\w.]/.test(argument);
  if (subcommand(name, argument)) return true;
  return wordlike.has(name) && argument.trim() !== '' && shellShaped;
}

export const detectCommandInjection: Detector = (views: ValueViews, { paranoia }) => {
  const text = views.unescaped;
  if (!couldInject.test(text)) return undefined;
  if (paranoia >= 2 && separatorCharacter.test(text) && !letterOrDigit.test(text)) return 'cmdi.separator-probe';
  // Each shape needs a character most values lack: `(`, `<` or `$`; `{`; `(`.
  const hasParenthesis = text.includes('(');
  if ((hasParenthesis || text.includes('<') || text.includes('$')) && otherCode.test(text)) return 'cmdi.code-injection';
  if (text.includes('{') && templateExpression.test(text)) return 'cmdi.template-injection';
  if (hasParenthesis && codeExecution.test(text)) return 'cmdi.code-execution';
  if (paranoia < 2) {
    return paranoiaOneCommand.test(text) ? 'cmdi.command' : undefined;
  }
  separator.lastIndex = 0;
  for (let match = separator.exec(text); match; match = separator.exec(text)) {
    const atStart = match.index === 0 && !startsWithSeparator.test(text);
    if (commandAfter(text, match.index + match[0].length, atStart)) return atStart ? 'cmdi.command-line' : 'cmdi.chained-command';
    if (match[0].length === 0) separator.lastIndex++;
  }
  if (paranoia >= 3 && strictMetacharacter.test(text)) return 'cmdi.metacharacter';
  return undefined;
};
