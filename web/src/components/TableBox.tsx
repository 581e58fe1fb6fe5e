// A box around a wide table: on a narrow screen the table scrolls inside
// it instead of widening the page. The box can take keyboard focus and is
// named, so that keyboard users can scroll it too (WCAG 2.1.1).

import type { ComponentChildren } from 'preact';

export function TableBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
