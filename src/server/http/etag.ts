// Entity-tag comparison for If-None-Match and If-Match (RFC 9110 §13.1): a header holds one
// or more tags, or `*` for any current representation. Weak comparison: `W/` is ignored.
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => strip(candidate) === strip(etag));
}
