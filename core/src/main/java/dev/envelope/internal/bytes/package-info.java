/** Byte-level helpers shared by the format and crypto internals. Not exported. */
package dev.envelope.internal.bytes;
