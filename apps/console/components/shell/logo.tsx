export function Logo() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="#0b6bcb" />
      <path d="M6 11c5 0 5 4 10 4s5-4 10-4M6 17c5 0 5 4 10 4s5-4 10-4" stroke="#fff" strokeWidth="2.6" fill="none" strokeLinecap="round" />
    </svg>
  );
}
