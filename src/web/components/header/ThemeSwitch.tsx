// System, light or dark: the reader's choice, remembered; "system" follows the device.
import { Monitor, Moon, Sun } from 'lucide-react';
import { useState } from 'react';
import { saveTheme, savedTheme, type Theme } from '../../theme.ts';

const OPTIONS: { value: Theme; label: string; Icon: typeof Sun }[] = [
  { value: 'system', label: 'System theme', Icon: Monitor },
  { value: 'light', label: 'Light theme', Icon: Sun },
  { value: 'dark', label: 'Dark theme', Icon: Moon },
];

export default function ThemeSwitch() {
  const [theme, setTheme] = useState<Theme>(savedTheme);
  return (
    <div className="theme-switch" role="group" aria-label="Theme">
      {OPTIONS.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          className="icon-button"
          aria-pressed={theme === value}
          aria-label={label}
          title={label}
          onClick={() => {
            saveTheme(value);
            setTheme(value);
          }}
        >
          <Icon size={16} aria-hidden="true" />
        </button>
      ))}
    </div>
  );
}
