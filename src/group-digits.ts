/**
 * An integer as en-US writes it, digits grouped by commas (12,000), as
 * `toLocaleString('en-US')` gives it, without Intl: the first Intl number format
 * reads ICU's locale data out of the node binary, ~6 MB more resident memory for
 * the process's whole life (measured: 30.8 to 36.7 MB of /usr/bin/node's pages).
 */
export function groupDigits(value: number): string {
  const digits = String(Math.abs(Math.trunc(value)))
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',')
  return value < 0 ? `-${grouped}` : grouped
}
