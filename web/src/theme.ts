/**
 * Light, dark, or the system's choice. The choice is stored in this browser and applied as
 * `data-theme` on <html>; "system" removes it so the stylesheet's prefers-color-scheme decides.
 */
export type Theme = 'light' | 'dark' | 'system';
const storageKey = 'anvil.theme';

export function storedTheme(): Theme {
  try {
    const value = window.localStorage.getItem(storageKey);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
  try {
    if (theme === 'system') window.localStorage.removeItem(storageKey);
    else window.localStorage.setItem(storageKey, theme);
  } catch {
    // Storage may be disabled: the theme then lasts for this page.
  }
}
