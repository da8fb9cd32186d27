'use client';
// The problems of the manifest, in line order: each names its line (a button that takes the caret
// there), the field when it has one, and where it comes from (YAML parser, schema, API).
import type { ManifestProblem } from '../../lib/connector-builder/manifest-document';

const SOURCE_LABEL: Record<ManifestProblem['source'], string> = { yaml: 'YAML', schema: 'Schema', api: 'API' };

export function ManifestProblems({ id, problems, onGoToLine }: { id: string; problems: ManifestProblem[]; onGoToLine: (line: number) => void }) {
  if (!problems.length) {
    return (
      <p className="help" id={id} role="status">
        No problems found in the manifest.
      </p>
    );
  }
  return (
    <div id={id} className="manifest-problems" role="region" aria-label="Manifest problems">
      <p className="error">
        {problems.length === 1 ? '1 problem' : `${problems.length} problems`} in the manifest
      </p>
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>
            <span className="badge bad">{SOURCE_LABEL[problem.source]}</span>{' '}
            {problem.line ? (
              <button type="button" className="link-button" onClick={() => onGoToLine(problem.line!)}>
                Line {problem.line}
              </button>
            ) : null}{' '}
            {problem.field ? <code>{problem.field}</code> : null} {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
