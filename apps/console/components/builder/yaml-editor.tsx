'use client';
// A plain textarea for YAML with a line-number gutter that marks the lines with problems. No editor
// library: it stays a native, labelled form control (screen readers, browser find, autofill of
// nothing). `focusLine` moves the caret to a line (the problem list uses it).
import { forwardRef, useImperativeHandle, useMemo, useRef } from 'react';

export interface YamlEditorHandle {
  focusLine(line: number): void;
}

interface YamlEditorProps {
  id: string;
  value: string;
  onChange: (next: string) => void;
  /** Lines (1-based) that carry a problem. */
  problemLines: Set<number>;
  describedBy?: string;
  invalid: boolean;
}

export const YamlEditor = forwardRef<YamlEditorHandle, YamlEditorProps>(function YamlEditor({ id, value, onChange, problemLines, describedBy, invalid }, ref) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = useMemo(() => value.split('\n').length, [value]);

  useImperativeHandle(ref, () => ({
    focusLine(line: number) {
      const element = textarea.current;
      if (!element) return;
      const lines = element.value.split('\n');
      const start = lines.slice(0, Math.max(0, line - 1)).reduce((sum, text) => sum + text.length + 1, 0);
      element.focus();
      element.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
      const lineHeight = parseFloat(getComputedStyle(element).lineHeight) || 20;
      element.scrollTop = Math.max(0, (line - 4) * lineHeight);
    },
  }));

  return (
    <div className="yaml-editor">
      <div className="yaml-gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lineCount }, (_, i) => (
          <div key={i} className={problemLines.has(i + 1) ? 'problem' : undefined}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        id={id}
        ref={textarea}
        className="mono"
        value={value}
        wrap="off"
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
});
