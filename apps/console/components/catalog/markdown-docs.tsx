// A connector's documentation (Markdown, tables included). Raw HTML in it is not rendered.
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

export function MarkdownDocs({ markdown }: { markdown: string }) {
  return (
    <div className="docs">
      <Markdown remarkPlugins={[remarkGfm]}>{markdown}</Markdown>
    </div>
  );
}
