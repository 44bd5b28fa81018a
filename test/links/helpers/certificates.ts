import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// Certificates for the HTTPS fixture, made at test time with Debian's openssl (no
// private key is ever committed): a test CA the client is told to trust, a valid
// certificate it signed, an expired one, one for another host name, and a
// self-signed one nobody trusts.

export type KeyPair = { key: string; cert: string }
export type TestCertificates = {
  ca: string
  /** secure.test and www.secure.test, signed by the CA. */
  valid: KeyPair
  /** expired.test, signed by the CA, valid for one day in 2020. */
  expired: KeyPair
  /** Served for wronghost.test but made for other.test. */
  wrongHost: KeyPair
  /** selfsigned.test, signed by itself. */
  selfSigned: KeyPair
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
}

function read(dir: string, name: string): KeyPair {
  return {
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
  }
}

function selfSigned(dir: string, name: string, subject: string, extensions: string[]): KeyPair {
  const addext = extensions.flatMap((extension) => ['-addext', extension])
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    subject,
    ...addext,
  ])
  return read(dir, name)
}

export function makeCertificates(dir: string): TestCertificates {
  const ca = selfSigned(dir, 'ca', '/CN=Link checker test CA', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'serial'), '01\n')
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test',
      '[ test ]',
      `database = ${join(dir, 'index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${join(dir, 'serial')}`,
      'default_md = sha256',
      'policy = anything',
      'unique_subject = no',
      '[ anything ]',
      'commonName = supplied',
      '[ valid ]',
      'subjectAltName = DNS:secure.test, DNS:www.secure.test',
      '[ expired ]',
      'subjectAltName = DNS:expired.test',
      '[ wronghost ]',
      'subjectAltName = DNS:other.test',
      '',
    ].join('\n'),
  )
  const signed = (name: string, commonName: string, dates: string[]): KeyPair => {
    openssl(dir, [
      'req',
      '-new',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${commonName}`,
    ])
    openssl(dir, [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.crt',
      '-keyfile',
      'ca.key',
      '-notext',
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.crt`,
      '-extensions',
      name,
      ...dates,
    ])
    return read(dir, name)
  }
  const valid = signed('valid', 'secure.test', ['-days', '2'])
  const expired = signed('expired', 'expired.test', [
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
  ])
  const wrongHost = signed('wronghost', 'other.test', ['-days', '2'])
  const self = selfSigned(dir, 'self', '/CN=selfsigned.test', ['subjectAltName=DNS:selfsigned.test'])
  return {
    ca: ca.cert,
    valid,
    expired,
    wrongHost,
    selfSigned: self,
  }
}
