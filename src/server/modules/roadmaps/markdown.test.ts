import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

const ALLOWED_TAGS = new Set(
  'h2 h3 h4 h5 h6 p br hr blockquote pre code em strong del ul ol li a table thead tbody tr th td'.split(' '),
);

/** Every element and attribute a browser would build from `html`. */
function elements(html: string) {
  const found: { tag: string; attributes: Record<string, string> }[] = [];
  const parser = new Parser({ onopentag: (tag, attributes) => found.push({ tag, attributes }) });
  parser.write(html);
  parser.end();
  return found;
}

// Payloads from the usual XSS cheat sheets, in Markdown and raw HTML form.
const CORPUS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r=1 /></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml,<svg onload=alert(1)>)',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<p onclick="alert(1)">hi</p>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<object data="javascript:alert(1)"></object>',
  '<details open ontoggle=alert(1)>',
  '[a](vbscript:msgbox(1))',
];

describe('renderMarkdown', () => {
  it('renders ordinary Markdown', () => {
    const html = renderMarkdown(
      '## Title\n\nSome **bold** and `code`.\n\n- one\n- two\n\n[docs](https://example.org/a)',
    );
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain(
      '<a href="https://example.org/a" rel="noopener noreferrer" target="_blank">docs</a>',
    );
  });

  it('demotes h1 to h2 and keeps GFM tables', () => {
    expect(renderMarkdown('# Top')).toBe('<h2>Top</h2>');
    expect(renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |')).toMatch(/<table>.*<th>a<\/th>.*<td>2<\/td>/s);
  });

  it.each(CORPUS)('renders %s harmless', (payload) => {
    for (const { tag, attributes } of elements(renderMarkdown(payload))) {
      expect(ALLOWED_TAGS).toContain(tag);
      for (const [name, value] of Object.entries(attributes)) {
        expect(name).not.toMatch(/^on/i);
        expect(name).not.toBe('style');
        if (name === 'href' || name === 'src') expect(value).toMatch(/^(https?:|mailto:|#|\/(?!\/))/i);
      }
    }
  });

  it('the structural check catches what it is meant to catch', () => {
    // Guard against a check that cannot fail: unsanitized markup must trip it.
    const bad = elements('<img src=x onerror=alert(1)><a href="javascript:x">y</a>');
    expect(bad.map((e) => e.tag)).toEqual(['img', 'a']);
    expect(bad[0]!.attributes.onerror).toBe('alert(1)');
  });

  it('shows raw HTML as text rather than dropping the author’s words', () => {
    expect(renderMarkdown('Use <b>bold</b> sparingly')).toBe('<p>Use &lt;b&gt;bold&lt;/b&gt; sparingly</p>');
  });
});
