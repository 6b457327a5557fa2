// Markdown → safe HTML, used for every Markdown field (step bodies, intros, FAQ answers,
// milestone descriptions). Two layers: marked renders with raw HTML escaped (authors write
// Markdown, not HTML), then sanitize-html keeps only an allow-list of tags, attributes and URL
// schemes — so even a renderer bug cannot let a script, an event handler or a `javascript:`
// link through. Rendering happens once, when content is imported, never per request.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Bump when rendering changes: content hashes include it, so the next import re-renders. */
export const RENDERER_VERSION = '2';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    // Raw HTML blocks and inline tags are shown as text, not interpreted.
    html: ({ text }) => escapeHtml(text),
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'em',
    'strong',
    'del',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    code: ['class'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A document has one h1, the page title: authors' headings start at h2.
    h1: 'h2',
    a: (tagName, attribs) => ({
      tagName,
      attribs: {
        ...attribs,
        rel: 'noopener noreferrer',
        ...(isExternal(attribs.href) ? { target: '_blank' } : {}),
      },
    }),
  },
};

function isExternal(href: string | undefined): boolean {
  return href !== undefined && /^https?:\/\//i.test(href);
}

/** Block nesting (quotes, lists) deeper than this is refused: no reader needs it. */
export const MAX_NESTING = 32;

/** Markdown that cannot be rendered (nested too deeply); validation reports it by field. */
export class MarkdownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkdownError';
  }
}

/**
 * Why this Markdown cannot be published, or undefined when it can: blocks nested deeper than
 * MAX_NESTING (`> > > …`, lists in lists), or brackets and emphasis so deep that the renderer
 * would run out of stack. Checked when content is written, so no reader ever meets it.
 */
export function markdownProblem(markdown: string): string | undefined {
  for (const line of markdown.split('\n')) {
    const prefix = /^[\s>*+-]*/.exec(line)![0];
    const quotes = prefix.split('>').length - 1;
    const indent = prefix.replace(/[^\s]/g, '').replace(/\t/g, '    ').length;
    if (quotes > MAX_NESTING || indent > MAX_NESTING * 4) {
      return `nests quotes or lists more than ${MAX_NESTING} deep`;
    }
  }
  let depth = 0;
  let deepest = 0;
  for (const ch of markdown) {
    if (ch === '[' || ch === '(') deepest = Math.max(deepest, ++depth);
    else if (ch === ']' || ch === ')') depth = Math.max(0, depth - 1);
  }
  if (deepest > 256) return 'nests brackets more than 256 deep';
  return undefined;
}

export function renderMarkdown(markdown: string): string {
  const problem = markdownProblem(markdown);
  if (problem) throw new MarkdownError(`The Markdown ${problem}.`);
  let html: string;
  try {
    html = marked.parse(markdown) as string;
  } catch (err) {
    // A structure the checks above did not foresee: refuse it as content, not as a crash.
    if (err instanceof RangeError) throw new MarkdownError('The Markdown is nested too deeply to render.');
    throw err;
  }
  return sanitizeHtml(html, SANITIZE).trim();
}
