// The Waymark mark: a path of three waypoints climbing to a flag.
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path
        d="M7 24 L13 18 L18 21 L25 10"
        fill="none"
        stroke="var(--accent-text)"
        strokeWidth="2.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <circle cx="7" cy="24" r="2.4" fill="var(--accent-text)" />
      <circle cx="13" cy="18" r="2.4" fill="var(--accent-text)" />
      <circle cx="18" cy="21" r="2.4" fill="var(--accent-text)" />
      <path
        d="M25 10 V4 L29 6 L25 8"
        fill="var(--accent-text)"
        stroke="var(--accent-text)"
        strokeWidth="1.2"
        strokeLinejoin="round"
      />
    </svg>
  );
}
