/**
 * A text/event-stream parser after the WHATWG HTML "server-sent events" interpretation rules:
 * lines end in CRLF, LF or CR; a leading BOM is dropped; `:` starts a comment; a field without a
 * colon has an empty value; one space after the colon is dropped; `data` lines join with LF; an
 * event is dispatched at a blank line, and not at all when it has no data; `id` containing NUL
 * is ignored; `retry` takes only ASCII digits. Chunks may split anywhere, even inside a CRLF.
 */
export interface ParsedEvent {
  /** The last event id seen so far (it persists across events, as the spec says). */
  id: string | undefined;
  event: string;
  data: string;
}

export interface EventStreamParser {
  feed(chunk: string): void;
}

export interface EventStreamParserOptions {
  onEvent: (event: ParsedEvent) => void;
  onRetry?: (milliseconds: number) => void;
}

export function createEventStreamParser({ onEvent, onRetry }: EventStreamParserOptions): EventStreamParser {
  let buffer = '';
  let started = false;
  let skipLineFeed = false;
  let lastEventId: string | undefined;
  let eventType = '';
  let data: string[] = [];

  const dispatch = () => {
    if (data.length > 0) onEvent({ id: lastEventId, event: eventType || 'message', data: data.join('\n') });
    eventType = '';
    data = [];
  };

  const processLine = (line: string) => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id') {
      if (!value.includes('\0')) lastEventId = value;
    } else if (field === 'retry') {
      if (/^\d+$/.test(value)) onRetry?.(Number(value));
    }
  };

  return {
    feed(chunk) {
      let text = chunk;
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      // A CR ended the previous chunk: an LF at the start of this one belongs to it.
      if (skipLineFeed && text.startsWith('\n')) text = text.slice(1);
      skipLineFeed = false;
      buffer += text;
      let start = 0;
      for (let index = 0; index < buffer.length; index += 1) {
        const code = buffer.charCodeAt(index);
        if (code !== 10 && code !== 13) continue;
        processLine(buffer.slice(start, index));
        if (code === 13) {
          if (index + 1 < buffer.length) {
            if (buffer.charCodeAt(index + 1) === 10) index += 1;
          } else skipLineFeed = true;
        }
        start = index + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
