package dev.envelope.aws.policy;

/**
 * The type of the values a condition key holds (the "Condition type" column of the KMS developer
 * guide's "AWS KMS condition keys" and of the IAM User Guide's "AWS global condition context
 * keys"), which decides the condition operators that can compare them.
 */
public enum ConditionKeyType {
  /** Text: String operators. */
  STRING,
  /** ARNs (or principal names): String and Arn operators. */
  ARN,
  /** true or false: Bool (or String). */
  BOOLEAN,
  /** A number: Numeric operators. */
  NUMERIC,
  /** A date and time: Date operators. */
  DATE,
  /** A timestamp that is both a number of seconds and a date: Numeric and Date operators. */
  NUMERIC_OR_DATE,
  /** An IP address: IpAddress and NotIpAddress. */
  IP_ADDRESS
}
