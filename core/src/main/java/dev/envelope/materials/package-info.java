/**
 * Materials managers decide where each message's data key comes from: the default one asks a
 * keyring every time, {@link dev.envelope.materials.CachingMaterialsManager} reuses data keys
 * within strict bounds.
 */
package dev.envelope.materials;
