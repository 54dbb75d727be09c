import { describe, expect, it } from 'vitest';
import { createEventStreamParser, type ParsedEvent } from './sse-parser.js';

function parse(chunks: string[]) {
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  const parser = createEventStreamParser({ onEvent: (event) => events.push(event), onRetry: (value) => retries.push(value) });
  for (const chunk of chunks) parser.feed(chunk);
  return { events, retries };
}

describe('event stream parser', () => {
  it('dispatches an event with its id, type and data at a blank line', () => {
    const { events } = parse(['id: 7\nevent: task.created\ndata: {"seq":7}\n\n']);
    expect(events).toEqual([{ id: '7', event: 'task.created', data: '{"seq":7}' }]);
  });

  it('joins data lines with a line feed and defaults the type to message', () => {
    expect(parse(['data: one\ndata: two\n\n']).events).toEqual([{ id: undefined, event: 'message', data: 'one\ntwo' }]);
  });

  it('handles CRLF and CR line ends, even when a CRLF is split across chunks', () => {
    const { events } = parse(['data: a\r', '\n\r', '\ndata: b\r\r']);
    expect(events.map((event) => event.data)).toEqual(['a', 'b']);
  });

  it('reassembles fields split anywhere across chunks', () => {
    const { events } = parse(['da', 'ta: hel', 'lo\n', '\n']);
    expect(events).toEqual([{ id: undefined, event: 'message', data: 'hello' }]);
  });

  it('ignores comments, unknown fields and events without data', () => {
    const { events } = parse([': keep-alive\n\nevent: empty\n\nfoo: bar\ndata: x\n\n']);
    expect(events).toEqual([{ id: undefined, event: 'message', data: 'x' }]);
  });

  it('keeps the last id for later events and ignores an id containing NUL', () => {
    const { events } = parse(['id: 3\ndata: a\n\ndata: b\n\nid: 4\0\ndata: c\n\n']);
    expect(events.map((event) => event.id)).toEqual(['3', '3', '3']);
  });

  it('drops only one space after the colon, and a leading byte order mark', () => {
    const { events } = parse(['\uFEFFdata:  two spaces\n\n']);
    expect(events[0]!.data).toBe(' two spaces');
  });

  it('reports retry only when it is all digits', () => {
    expect(parse(['retry: 2000\n\nretry: 1e3\n\nretry: -1\n\n']).retries).toEqual([2000]);
  });
});
