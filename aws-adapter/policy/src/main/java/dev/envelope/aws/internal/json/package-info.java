/**
 * Not API: helpers shared by the adapter's packages ({@code local}, {@code policy.lint}, {@code
 * policy.doctor}). Public only so that those packages can reach them; may change without notice.
 */
package dev.envelope.aws.internal.json;
