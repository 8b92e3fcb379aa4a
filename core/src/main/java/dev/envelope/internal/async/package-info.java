/** Helpers for the asynchronous API: ownership of materials across futures. Not API. */
package dev.envelope.internal.async;
