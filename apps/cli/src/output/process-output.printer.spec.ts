import { ProcessOutputPrinter, formatLogLine } from './process-output.printer';

describe('process output', () => {
  it('shows a JSON log line as level, message and the remaining fields', () => {
    const line = JSON.stringify({ time: '2026-01-02T03:04:05.000Z', level: 'info', service: 'worker', message: 'worker ready', taskQueue: 'q' });

    expect(formatLogLine(line)).toMatch(/^\d\d:\d\d:\d\d info {2}worker ready \{"taskQueue":"q"\}$/);
  });

  it('leaves other lines alone', () => {
    expect(formatLogLine('▲ Next.js 16')).toBe('▲ Next.js 16');
    expect(formatLogLine('{not json')).toBe('{not json');
  });

  it('prefixes every line with its source', () => {
    const written: string[] = [];
    const printer = new ProcessOutputPrinter((text) => written.push(text), { color: false });

    printer.line('api', 'listening');
    printer.note('two\nlines');

    expect(written.join('')).toBe('[api]       listening\n[tributary] two\n[tributary] lines\n');
  });
});
