// Comparison tables and the FAQ of a roadmap: below the path in every view.
import type { RoadmapDocument } from '../api.ts';

/** Comparison tables and the FAQ, below the path in every view. */
export function RoadmapExtras({ doc }: { doc: RoadmapDocument }) {
  return (
    <>
      {doc.comparisons.map((table) => (
        <section key={table.slug} className="comparison">
          <h2 id={`table-${table.slug}`}>{table.title}</h2>
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={`table-${table.slug}`}>
            <table>
              <thead>
                <tr>
                  {table.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((cells) => (
                  <tr key={cells[0]}>
                    {cells.map((cell, i) =>
                      i === 0 ? (
                        <th key={i} scope="row">
                          {cell}
                        </th>
                      ) : (
                        <td key={i}>{cell}</td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}

      {doc.faq.length > 0 ? (
        <section className="faq" aria-labelledby="faq">
          <h2 id="faq">Frequently asked questions</h2>
          {doc.faq.map((f) => (
            <details key={f.question}>
              <summary>{f.question}</summary>
              <div className="prose" dangerouslySetInnerHTML={{ __html: f.answerHtml }} />
            </details>
          ))}
        </section>
      ) : null}
    </>
  );
}
