/** Phone numbers are masked (138****5678) anywhere but a direct chat with an admin. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 7) return `${digits.slice(0, 2)}****${digits.slice(-2)}`;
  return '****';
}

/** Mainland mobile numbers and landlines with an area code, e.g. 13812345678, 0797-1234567. */
export function isPhone(s: string): boolean {
  return /^(?:\+?86[- ]?)?1[3-9]\d{9}$/.test(s) || /^0\d{2,3}-?\d{7,8}$/.test(s);
}
