// The reader's theme choice: system (follow the device), light or dark, kept in localStorage and
// applied as html[data-theme] before the first render.
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'waymark-theme';

export function savedTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(theme: Theme) {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
}

export function saveTheme(theme: Theme) {
  localStorage.setItem(KEY, theme);
  applyTheme(theme);
}
