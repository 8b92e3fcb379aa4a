/**
 * How text from outside (a message header before it is authenticated, a remote service's answer, a
 * caller's context key) is shown in exception messages and logs. Not API; the AWS module uses it
 * too.
 */
package dev.envelope.internal.text;
