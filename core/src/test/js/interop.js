// Test-only, run by dev.envelope.vectors.JsEsdkInteropTest with the machine's Node.js:
//   node interop.js <envelope-vectors-dir> <output-dir>
// 1. The JavaScript AWS Encryption SDK (@aws-crypto/client-node) decrypts every vector of the
//    awses-decrypt manifest Envelope wrote, except those it cannot express (required encryption context,
//    which this SDK lacks; PKCS#1 v1.5 RSA, which Node.js refuses to decrypt since CVE-2023-46809).
// 2. It encrypts messages of its own with the same keys into <output-dir> as an awses-decrypt manifest
//    (version 3, with one tampered and one signed-to-unsigned-only-stream error test) for Envelope's runner.
// Prints one JSON summary line on stdout; exits non-zero if any decryption failed.
'use strict'
const fs = require('fs')
const path = require('path')
const crypto = require('crypto')
const {
  buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier,
  RawAesKeyringNode, RawAesWrappingSuiteIdentifier, RawRsaKeyringNode, MultiKeyringNode,
} = require('@aws-crypto/client-node')

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

function readJson (file) { return JSON.parse(fs.readFileSync(file, 'utf8')) }
function fileUri (dir, uri) { return path.join(dir, uri.replace(/^file:\/\//, '')) }

function keyring (masterKey, keys) {
  const key = keys[masterKey.key]
  const keyName = key['key-id'] || masterKey.key
  const keyNamespace = masterKey['provider-id']
  if (masterKey['encryption-algorithm'] === 'aes') {
    return new RawAesKeyringNode({
      keyName, keyNamespace,
      unencryptedMasterKey: new Uint8Array(Buffer.from(key.material, 'base64')),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    })
  }
  const rsaKey = key.type === 'private' ? { privateKey: key.material } : { publicKey: key.material }
  return new RawRsaKeyringNode({
    keyName, keyNamespace, rsaKey,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: masterKey['padding-hash'],
  })
}

function multi (keyrings) {
  return keyrings.length === 1 ? keyrings[0] : new MultiKeyringNode({ generator: keyrings[0], children: keyrings.slice(1) })
}

async function decryptEnvelopeVectors (dir) {
  const manifest = readJson(path.join(dir, 'manifest.json'))
  const keys = readJson(fileUri(dir, manifest.keys)).keys
  const summary = { decrypted: 0, skippedRequiredContext: 0, skippedPkcs1: 0, failures: [] }
  for (const [id, test] of Object.entries(manifest.tests)) {
    if (test.cmm === 'RequiredEncryptionContext') { summary.skippedRequiredContext++; continue }
    if (test['master-keys'].some(k => k['padding-algorithm'] === 'pkcs1')) { summary.skippedPkcs1++; continue }
    try {
      const ciphertext = fs.readFileSync(fileUri(dir, test.ciphertext))
      const expected = fs.readFileSync(fileUri(dir, test.result.output.plaintext))
      const { plaintext, messageHeader } = await decrypt(multi(test['master-keys'].map(k => keyring(k, keys))), ciphertext)
      if (Buffer.compare(plaintext, expected) !== 0) throw new Error('plaintext differs')
      for (const [k, v] of Object.entries(test['encryption-context'] || {})) {
        if (messageHeader.encryptionContext[k] !== v) throw new Error('context pair ' + k + ' differs')
      }
      summary.decrypted++
    } catch (e) {
      summary.failures.push(id + ': ' + e.message)
    }
  }
  return summary
}

async function writeJsVectors (envelopeDir, out) {
  const envelopeManifest = readJson(path.join(envelopeDir, 'manifest.json'))
  const keysJson = readJson(fileUri(envelopeDir, envelopeManifest.keys))
  const keys = keysJson.keys
  for (const sub of ['ciphertexts', 'plaintexts']) fs.mkdirSync(path.join(out, sub), { recursive: true })
  fs.writeFileSync(path.join(out, 'keys.json'), JSON.stringify(keysJson, null, 2))
  const providerId = 'js-esdk-vectors'
  const masterKeys = {
    aes: { type: 'raw', key: 'aes-256', 'provider-id': providerId, 'encryption-algorithm': 'aes' },
    'rsa-oaep-sha256': { type: 'raw', key: 'rsa-2048-private', 'provider-id': providerId, 'encryption-algorithm': 'rsa', 'padding-algorithm': 'oaep-mgf1', 'padding-hash': 'sha256' },
    'rsa-oaep-sha1': { type: 'raw', key: 'rsa-2048-private', 'provider-id': providerId, 'encryption-algorithm': 'rsa', 'padding-algorithm': 'oaep-mgf1', 'padding-hash': 'sha1' },
  }
  const encryptKeyring = (mk) => mk['encryption-algorithm'] === 'aes' ? keyring(mk, keys) : keyring({ ...mk, key: 'rsa-2048-public' }, keys)
  const suites = {
    '0478': AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    '0578': AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
  }
  const shapes = [[4096, 0], [4096, 1], [4096, 8192], [1024, 10000], [65536, 300000]]
  const context = { purpose: 'interop', origin: 'javascript', ключ: 'значение' }
  const tests = {}
  let written = 0
  for (const [suiteName, suiteId] of Object.entries(suites)) {
    for (const [keyName, mk] of Object.entries(masterKeys)) {
      for (const [frameLength, size] of shapes) {
        const plaintext = crypto.createHash('sha512').update('pt' + size).digest()
        const full = Buffer.alloc(size)
        for (let i = 0; i < size; i++) full[i] = plaintext[i % plaintext.length] ^ (i & 0xff)
        fs.writeFileSync(path.join(out, 'plaintexts', String(size)), full)
        const id = `js-${suiteName}-${keyName}-frame${frameLength}-pt${size}`
        const { result } = await encrypt(encryptKeyring(mk), full, { encryptionContext: context, suiteId, frameLength })
        fs.writeFileSync(path.join(out, 'ciphertexts', id), result)
        tests[id] = { ciphertext: 'file://ciphertexts/' + id, 'master-keys': [mk], result: { output: { plaintext: 'file://plaintexts/' + size } } }
        written++
      }
    }
  }
  // Error tests: a flipped body byte must not decrypt; a signed message must not pass the unsigned-only stream.
  const good = fs.readFileSync(path.join(out, 'ciphertexts', 'js-0478-aes-frame1024-pt10000'))
  const bad = Buffer.from(good)
  bad[bad.length - 40] ^= 1
  fs.writeFileSync(path.join(out, 'ciphertexts', 'js-tampered'), bad)
  tests['js-tampered'] = { ciphertext: 'file://ciphertexts/js-tampered', 'master-keys': [masterKeys.aes], result: { error: { 'error-description': 'a body byte was flipped' } } }
  tests['js-signed-unsigned-only'] = { ciphertext: 'file://ciphertexts/js-0578-aes-frame4096-pt8192', 'master-keys': [masterKeys.aes], 'decryption-method': 'streaming-unsigned-only', result: { error: { 'error-description': 'signed message given to the unsigned-only streaming API' } } }
  tests['js-unsigned-unsigned-only'] = { ciphertext: 'file://ciphertexts/js-0478-aes-frame4096-pt8192', 'master-keys': [masterKeys.aes], 'decryption-method': 'streaming-unsigned-only', result: { output: { plaintext: 'file://plaintexts/8192' } } }
  const version = require('@aws-crypto/client-node/package.json').version
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({
    manifest: { type: 'awses-decrypt', version: 3 },
    client: { name: 'aws/aws-encryption-sdk-javascript', version },
    keys: 'file://keys.json',
    tests,
  }, null, 2))
  return { written, tests: Object.keys(tests).length, clientVersion: version }
}

async function main () {
  const [envelopeDir, out] = process.argv.slice(2)
  if (!envelopeDir || !out) {
    console.error('usage: node interop.js <envelope-vectors-dir> <output-dir>')
    process.exit(2)
  }
  const decrypted = await decryptEnvelopeVectors(envelopeDir)
  const encrypted = await writeJsVectors(envelopeDir, out)
  console.log(JSON.stringify({ decrypted, encrypted }))
  process.exit(decrypted.failures.length === 0 ? 0 : 1)
}

main().catch(e => { console.error(e); process.exit(1) })
