import { packageInfo } from '../paths.js'

// An honest robot says who it is and where to read about it (the convention of
// `+URL` in crawler User-Agents). The URL comes from package.json (`repository`, then
// `homepage`); while neither is set the header names the project and its version
// only, rather than a made-up address.

type PackageJson = {
  name: string
  version: string
  homepage?: unknown
  repository?: unknown
}

/** A browsable https URL from a package.json `repository` or `homepage` value, if it has one. */
export function projectUrl(pkg: Pick<PackageJson, 'homepage' | 'repository'>): string | undefined {
  const repository =
    typeof pkg.repository === 'string'
      ? pkg.repository
      : typeof pkg.repository === 'object' && pkg.repository !== null
        ? (pkg.repository as { url?: unknown }).url
        : undefined
  for (const candidate of [repository, pkg.homepage]) {
    if (typeof candidate !== 'string') continue
    const url = candidate.replace(/^git\+/, '').replace(/\.git$/, '')
    const shorthand = /^github:([\w.-]+\/[\w.-]+)$/.exec(url) ?? /^([\w.-]+\/[\w.-]+)$/.exec(url)
    if (shorthand) return `https://github.com/${shorthand[1]}`
    if (/^https?:\/\//.test(url)) return url
  }
  return undefined
}

export function userAgent(pkg: PackageJson): string {
  const url = projectUrl(pkg)
  return `${pkg.name}/${pkg.version} (link checker${url ? `; +${url}` : ''})`
}

/** The headers of every request the checker makes. */
export function requestHeaders(pkg: PackageJson = packageInfo as PackageJson): Record<string, string> {
  return {
    'user-agent': userAgent(pkg),
    accept: 'text/html,*/*;q=0.8',
    'accept-language': 'en-US,en;q=0.9',
    'accept-encoding': 'gzip, deflate, br',
  }
}
