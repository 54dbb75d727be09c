/**
 * NoSQL operator injection. MongoDB-style stores read `{"$gt": ""}` as "greater than nothing", so
 * a field that should hold a value matches every document. In a JSON body the signal is a key
 * that is an operator; in a query string it is the bracket form `user[$ne]=1` that body parsers
 * turn into that object; in a string it is a JSON operator object, a JavaScript breakout aimed at
 * `$where`, or a shell call such as `db.users.find(…)`.
 */
import type { Detector } from './types.js';
import type { ValueViews } from './normalise.js';

/** Query, update and aggregation operators (MongoDB manual, "Operators"). */
const operators = new Set(`
eq ne gt gte lt lte in nin and or nor not exists type expr jsonschema mod regex text where all
elemmatch size bitsallclear bitsallset bitsanyclear bitsanyset geointersects geowithin near
nearsphere box center centersphere geometry maxdistance mindistance polygon comment slice meta
function accumulator lookup match project group unwind graphlookup unionwith merge out set unset
inc push pull addtoset rename options
`.split(/\s+/).filter(Boolean));

/** True for a JSON key that a MongoDB driver would read as an operator. */
export function isOperatorKey(key: string): boolean {
  return key.startsWith('$') && operators.has(key.slice(1).toLowerCase());
}

const operatorReference = /(?:^|[[{,"'\s])\$([a-z]+)(?=\s*(?:\]|["']?\s*:|=))/gi;
const javascriptBreakout = /['"]\s*;\s*(?:return|var|let|const|while|for|function|sleep|this|db)\b|['"]\s*\|\|\s*['"]?\w*['"]?\s*==|\bthis\.\w+(?:\.\w+)*\s*(?:[=!<>]=?|\.length)|\bsleep\s*\(\s*\d+\s*\)\s*['"]?\s*[;}]?\s*$/i;
const shellCall = /\bdb\.[a-z_$][\w$]*\.(?:find|findone|insert|insertone|update|updateone|updatemany|remove|drop|aggregate|deleteone|deletemany|count|mapreduce)\s*\(/i;

export const detectNosqlInjection: Detector = (views: ValueViews, { paranoia }) => {
  const text = views.decoded;
  if (!/[$'"(]/.test(text)) return undefined;
  if (text.includes('$')) {
    operatorReference.lastIndex = 0;
    for (const match of text.matchAll(operatorReference)) {
      if (operators.has(match[1]!.toLowerCase())) return 'nosql.operator';
    }
  }
  if (shellCall.test(text)) return 'nosql.shell-call';
  if (paranoia >= 2 && javascriptBreakout.test(text)) return 'nosql.javascript-breakout';
  if (paranoia >= 3 && /\$[a-z]+/i.test(text)) return 'nosql.dollar-name';
  return undefined;
};
