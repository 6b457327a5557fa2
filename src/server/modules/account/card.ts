// The embeddable SVG progress card of a public profile (like a README badge). Every text is
// escaped; the SVG holds no script and no external reference.
import type { Static } from 'typebox';
import { toCleanLine } from '../../http/text.ts';
import type { PublicProfile } from './schemas.ts';

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * At most `max` characters (code points, so an emoji is never cut in half), with characters XML
 * cannot carry (control characters, unpaired surrogates) taken out: the card stays valid XML
 * whatever a name held before today's input rules.
 */
function clip(text: string, max: number): string {
  const chars = Array.from(toCleanLine(text, Number.MAX_SAFE_INTEGER));
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

export function renderCard(profile: Static<typeof PublicProfile>): string {
  const roadmaps = profile.roadmaps.slice(0, 3);
  const width = 420;
  const height = 96 + roadmaps.length * 34;
  const rows = roadmaps
    .map((r, i) => {
      const y = 92 + i * 34;
      const bar = Math.round((r.percent / 100) * (width - 40));
      return `
  <text x="20" y="${y}" class="label">${escape(clip(r.title, 40))}</text>
  <text x="${width - 20}" y="${y}" class="label" text-anchor="end">${r.percent}%</text>
  <rect x="20" y="${y + 7}" width="${width - 40}" height="8" rx="4" class="track"/>
  <rect x="20" y="${y + 7}" width="${bar}" height="8" rx="4" class="bar"/>`;
    })
    .join('');
  const streak = `${profile.currentStreak} day${profile.currentStreak === 1 ? '' : 's'} streak · best ${profile.longestStreak}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title">
  <title id="title">${escape(`${clip(profile.displayName, 80)} on Waymark: ${streak}`)}</title>
  <style>
    .bg { fill: #ffffff; stroke: #d0d7de; }
    .name { font: 600 18px system-ui, sans-serif; fill: #1f2328; }
    .meta { font: 13px system-ui, sans-serif; fill: #59636e; }
    .label { font: 13px system-ui, sans-serif; fill: #1f2328; }
    .track { fill: #eaeef2; }
    .bar { fill: #1a7f37; }
    @media (prefers-color-scheme: dark) {
      .bg { fill: #0d1117; stroke: #30363d; } .name, .label { fill: #e6edf3; } .meta { fill: #9198a1; }
      .track { fill: #21262d; } .bar { fill: #3fb950; }
    }
  </style>
  <rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="8" class="bg"/>
  <text x="20" y="34" class="name">${escape(clip(profile.displayName, 36))}</text>
  <text x="20" y="56" class="meta">${escape(`@${profile.handle} · ${streak}`)}</text>${rows}
</svg>
`;
}
