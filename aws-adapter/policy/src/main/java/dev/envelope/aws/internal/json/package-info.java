/**
 * Not API: the AWS modules' one JSON toolkit, on Jackson. {@link
 * dev.envelope.aws.internal.json.JsonReader} parses strictly into {@link
 * dev.envelope.aws.internal.json.JsonValue}s, {@link dev.envelope.aws.internal.json.JsonMembers}
 * reads an object's members with typed, strict accessors, and {@link
 * dev.envelope.aws.internal.json.JsonOutput} writes. Public only so that the policy, doctor, lint
 * and local KMS packages can reach it (the module exports it to {@code dev.envelope.aws.local}
 * alone); may change without notice.
 */
package dev.envelope.aws.internal.json;
