import { useState, type ReactNode, type UIEvent } from 'react';

/**
 * A windowed list of fixed-height rows: only the rows in view (plus a few either side) are in the
 * DOM, so a column of a thousand task cards costs what a screenful costs. The scroll box is
 * focusable, so the keyboard scrolls it; the rows inside stay ordinary focusable content.
 */
export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** Height of the scroll box in pixels. */
  height: number;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  label: string;
  itemKey: (item: T) => string;
  renderItem: (item: T, index: number) => ReactNode;
  /** Start scrolled this far (tests; restoring a position). */
  initialScrollTop?: number;
}

export function VirtualList<T>({ items, rowHeight, height, overscan = 6, label, itemKey, renderItem, initialScrollTop = 0 }: VirtualListProps<T>) {
  const [scrollTop, setScrollTop] = useState(initialScrollTop);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const visible = items.slice(first, last);
  const onScroll = (event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop);
  return (
    <div className="virtual-list" style={{ height, overflowY: 'auto' }} onScroll={onScroll} tabIndex={0} role="list" aria-label={label}>
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        {visible.map((item, offset) => (
          <div key={itemKey(item)} role="listitem" className="virtual-row" style={{ position: 'absolute', top: (first + offset) * rowHeight, height: rowHeight, left: 0, right: 0 }}>
            {renderItem(item, first + offset)}
          </div>
        ))}
      </div>
    </div>
  );
}
