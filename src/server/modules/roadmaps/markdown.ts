// Markdown → safe HTML, used for every Markdown field (step bodies, intros, FAQ answers,
// milestone descriptions). Two layers: marked renders with raw HTML escaped (authors write
// Markdown, not HTML), then sanitize-html keeps only an allow-list of tags, attributes and URL
// schemes — so even a renderer bug cannot let a script, an event handler or a `javascript:`
// link through. Rendering happens once, when content is imported, never per request.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** Bump when rendering changes: content hashes include it, so the next import re-renders. */
export const RENDERER_VERSION = '1';

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

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeHtml(html, SANITIZE).trim();
}
